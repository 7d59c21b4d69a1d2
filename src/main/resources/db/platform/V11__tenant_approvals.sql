-- Assisted onboarding: a plan may require approval before anything is provisioned. The tenant
-- waits in status awaiting_approval; the decision is recorded once, by whom and why.
ALTER TABLE tenants DROP CONSTRAINT tenants_status_check;
ALTER TABLE tenants ADD CONSTRAINT tenants_status_check
    CHECK (status IN ('awaiting_approval', 'provisioning', 'active', 'failed', 'suspended', 'destroying', 'destroyed'));

CREATE TABLE tenant_approvals (
    tenant_id   uuid        PRIMARY KEY REFERENCES tenants (tenant_id),
    decision    text        NOT NULL CHECK (decision IN ('approved', 'rejected')),
    decided_by  text        NOT NULL,
    note        text,
    decided_at  timestamptz NOT NULL DEFAULT now()
);
