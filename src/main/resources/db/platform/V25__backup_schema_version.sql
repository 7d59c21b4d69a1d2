-- The tenant schema version (the control plane's) a backup was taken at: a restore in place puts it
-- back on the tenant, and the restored database is then migrated from there. NULL: taken before this.
ALTER TABLE backups ADD COLUMN schema_version text;
