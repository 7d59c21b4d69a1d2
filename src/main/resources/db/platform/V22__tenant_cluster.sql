-- The PostgreSQL cluster each tenant lives on (CLUSTERS_FILE's names; `default` is the PG* cluster).
-- Decided at admission, in the transaction that records the tenant, so a crash cannot place it again.
-- Tenants made before this release are all on the PG* cluster.
ALTER TABLE tenants ADD COLUMN cluster text NOT NULL DEFAULT 'default';
ALTER TABLE tenants ALTER COLUMN cluster DROP DEFAULT;
CREATE INDEX tenants_live_by_cluster ON tenants (cluster) WHERE status NOT IN ('destroyed', 'failed');
