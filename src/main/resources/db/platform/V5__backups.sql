-- Backups of tenant databases and the parameters an operation runs with (e.g. restore's backup_id).
ALTER TABLE operations ADD COLUMN parameters jsonb NOT NULL DEFAULT '{}'::jsonb;

CREATE TABLE backups (
    backup_id         uuid PRIMARY KEY,
    tenant_id         uuid        NOT NULL REFERENCES tenants (tenant_id),
    operation_id      uuid REFERENCES operations (operation_id),
    kind              text        NOT NULL CHECK (kind IN ('scheduled', 'manual', 'final')),
    status            text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'expired')),
    database_name     text        NOT NULL,
    storage_location  text        NOT NULL,
    location          text,
    size_bytes        bigint,
    checksum_sha256   text,
    encrypted         boolean     NOT NULL DEFAULT true,
    encryption_level  text        NOT NULL,
    error             text,
    started_at        timestamptz NOT NULL DEFAULT now(),
    completed_at      timestamptz
);
CREATE INDEX backups_by_tenant ON backups (tenant_id, started_at DESC);
