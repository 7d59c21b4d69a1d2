-- Control plane: tenants and the durable journal of the operations run on them.

CREATE TABLE tenants (
    tenant_id           uuid PRIMARY KEY,
    tenant_name         text        NOT NULL,
    plan                text        NOT NULL,
    region              text        NOT NULL,
    monitoring_level    text        NOT NULL,
    backup_policy       jsonb       NOT NULL,
    admin_email         text,
    status              text        NOT NULL
        CHECK (status IN ('provisioning', 'active', 'failed', 'suspended', 'destroying', 'destroyed')),
    -- Hash of the normalised create request: the same tenant_id with another body is a conflict.
    request_fingerprint text        NOT NULL,
    database_name       text        NOT NULL UNIQUE,
    database_host       text,
    database_port       integer,
    connection_limit    integer     NOT NULL,
    encoding            text        NOT NULL DEFAULT 'UTF8',
    warnings            jsonb       NOT NULL DEFAULT '[]'::jsonb,
    suspended_at        timestamptz,
    suspension_reason   text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- A name belongs to at most one live tenant; failed and destroyed tenants free it.
CREATE UNIQUE INDEX tenants_live_name ON tenants (lower(tenant_name))
    WHERE status NOT IN ('failed', 'destroyed');
CREATE INDEX tenants_listing ON tenants (created_at, tenant_id);

CREATE TABLE operations (
    operation_id  uuid PRIMARY KEY,
    type          text        NOT NULL,
    tenant_id     uuid        NOT NULL REFERENCES tenants (tenant_id),
    status        text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    -- Set when a step failed: the runner is undoing completed steps; survives a crash.
    compensating  boolean     NOT NULL DEFAULT false,
    compensated   boolean,
    error         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);

CREATE INDEX operations_unfinished ON operations (created_at) WHERE status = 'running';
CREATE INDEX operations_by_tenant ON operations (tenant_id, created_at);

CREATE TABLE operation_steps (
    operation_id  uuid        NOT NULL REFERENCES operations (operation_id),
    position      integer     NOT NULL,
    name          text        NOT NULL,
    status        text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'done', 'skipped', 'warning', 'failed', 'compensated')),
    started_at    timestamptz,
    finished_at   timestamptz,
    error         text,
    PRIMARY KEY (operation_id, position),
    UNIQUE (operation_id, name)
);
