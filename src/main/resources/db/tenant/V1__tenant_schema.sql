-- The schema every tenant database starts with. Runs as the tenant's admin role (SET ROLE), so the
-- admin role owns every table. Privileges for the other roles are granted by the grant step.

CREATE TABLE applications (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text        NOT NULL UNIQUE,
    description  text,
    status       text        NOT NULL DEFAULT 'active',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE resources (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id  uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    resource_type   text        NOT NULL,
    name            text        NOT NULL,
    configuration   jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deployments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id  uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    version         text        NOT NULL,
    environment     text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',
    deployed_by     text,
    deployed_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_activity (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_name      text        NOT NULL,
    action         text        NOT NULL,
    resource_type  text,
    resource_id    uuid,
    details        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    occurred_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_applications_status ON applications (status);
CREATE INDEX idx_applications_created_at ON applications (created_at);
CREATE INDEX idx_resources_application_id ON resources (application_id);
CREATE INDEX idx_resources_type ON resources (resource_type);
CREATE INDEX idx_deployments_application_id ON deployments (application_id);
CREATE INDEX idx_deployments_status ON deployments (status);
CREATE INDEX idx_user_activity_user_name ON user_activity (user_name);
CREATE INDEX idx_user_activity_occurred_at ON user_activity (occurred_at);
