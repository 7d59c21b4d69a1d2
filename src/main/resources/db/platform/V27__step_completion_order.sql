-- The order in which an operation's steps ended. Steps that need nothing of each other run side by
-- side (StepGraph), so neither their position nor finished_at (the time of a transaction's start)
-- says exactly which ended first; compensation undoes them in the reverse of this number.
-- A step still running, or one that ended before this migration, has none.
-- IF NOT EXISTS: InvitationUpgradeTest puts a control plane back before V26 by forgetting the later
-- migrations in Flyway's history, which then run again.
CREATE SEQUENCE IF NOT EXISTS operation_step_completion;

ALTER TABLE operation_steps ADD COLUMN IF NOT EXISTS completion bigint;
