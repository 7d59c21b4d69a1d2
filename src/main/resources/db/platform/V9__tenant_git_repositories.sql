-- Each tenant's Git repository (desired state of its applications): where it lives and how it is
-- reached. One row per tenant; removed when the repository is removed, kept (archived_at set) when
-- a destroy archives it.
CREATE TABLE tenant_git_repositories (
    tenant_id        uuid PRIMARY KEY REFERENCES tenants (tenant_id),
    repository_name  text        NOT NULL,
    repository_url   text        NOT NULL,
    host             text        NOT NULL CHECK (host IN ('local', 'server')),
    archived_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
