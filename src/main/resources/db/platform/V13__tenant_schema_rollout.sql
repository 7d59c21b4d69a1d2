-- Fleet schema upgrades: each tenant's tenant-schema version as last migrated (NULL: not known yet,
-- filled at its next migration), and the per-tenant progress of a rollout operation.
ALTER TABLE tenants ADD COLUMN schema_version text;

-- An operation on the whole fleet (the schema rollout) is on no one tenant.
ALTER TABLE operations ALTER COLUMN tenant_id DROP NOT NULL;

-- One schema rollout runs at a time (the launcher checks first; this is the backstop).
CREATE UNIQUE INDEX operations_one_schema_rollout ON operations (type)
    WHERE type = 'schema-rollout' AND status = 'running';
CREATE INDEX operations_listing ON operations (created_at, operation_id);

CREATE TABLE rollout_tenants (
    operation_id  uuid        NOT NULL REFERENCES operations (operation_id),
    tenant_id     uuid        NOT NULL REFERENCES tenants (tenant_id),
    position      integer     NOT NULL,
    canary        boolean     NOT NULL,
    status        text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'done', 'failed', 'skipped')),
    error         text,
    finished_at   timestamptz,
    PRIMARY KEY (operation_id, tenant_id)
);
