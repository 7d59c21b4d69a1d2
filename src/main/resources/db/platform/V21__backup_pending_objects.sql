-- Offsite backups (docs/backups-offsite.md): the object an upload is writing to, recorded before the
-- upload starts and cleared once the backup succeeded or the object was deleted. A backup that
-- failed while its store was unreachable keeps it, and the retention job deletes the object later,
-- so no unverified object outlives its failed backup.
ALTER TABLE backups ADD COLUMN pending_object text;
