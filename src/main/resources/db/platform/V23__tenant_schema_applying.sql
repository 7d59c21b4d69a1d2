-- A tenant-schema migration begun and not yet recorded (the version it brings), so that a crash between
-- its commit in the tenant's database and the record here is resolved from the database's own mark.
-- The version itself stays tenants.schema_version: the control plane's, which no tenant can write.
ALTER TABLE tenants ADD COLUMN schema_applying text;
