-- How often compensating an operation has been tried: past a limit it is given up and reported.
ALTER TABLE operations ADD COLUMN compensation_attempts integer NOT NULL DEFAULT 0;
