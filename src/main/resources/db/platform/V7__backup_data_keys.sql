-- Backups encrypted with the tenant's own data key (wrapped by the platform key) say so; older
-- standard backups keep using the shared platform key they were written with.
ALTER TABLE backups ADD COLUMN tenant_data_key boolean NOT NULL DEFAULT false;
