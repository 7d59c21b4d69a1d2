-- Tenants whose database and roles were claimed from the warm pool (docs/pool.md), written once the claim
-- has committed on the tenant's cluster: create-tenant-database and grant-tenant-privileges find their
-- work done. A claim without its row (a crash between the two) takes the ordinary, idempotent path.
-- IF NOT EXISTS: InvitationUpgradeTest puts a control plane back before V26 by forgetting the later
-- migrations in Flyway's history, which then run again.
CREATE TABLE IF NOT EXISTS tenant_database_claims (
    tenant_id     uuid PRIMARY KEY REFERENCES tenants (tenant_id),
    cluster       text NOT NULL,
    pool_database text NOT NULL,
    template      text NOT NULL,
    claimed_at    timestamptz NOT NULL DEFAULT now()
);
