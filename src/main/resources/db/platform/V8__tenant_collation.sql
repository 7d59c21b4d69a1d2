-- The collation each tenant database was created with (the plan's) and its provider (libc or icu),
-- so the API can show it and a restore creates its database the same way. (COLLATION is reserved.)
ALTER TABLE tenants
    ADD COLUMN collation_name     text,
    ADD COLUMN collation_provider text CHECK (collation_provider IN ('libc', 'icu'));

-- Tenants created before: what their database has, read from the cluster the control plane shares.
-- datlocprovider and daticulocale are new in PostgreSQL 15, hence to_jsonb.
UPDATE tenants t
SET collation_name = CASE WHEN to_jsonb(d) ->> 'datlocprovider' = 'i' THEN to_jsonb(d) ->> 'daticulocale'
                     ELSE d.datcollate END,
    collation_provider = CASE WHEN to_jsonb(d) ->> 'datlocprovider' = 'i' THEN 'icu' ELSE 'libc' END
FROM pg_database d
WHERE d.datname = t.database_name;
