-- The local secret store (used when no Vault is configured): AES-256-GCM ciphertexts only.
CREATE TABLE secrets (
    path        text PRIMARY KEY,
    nonce       bytea       NOT NULL,
    ciphertext  bytea       NOT NULL,
    version     integer     NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- People invited into a tenant, each with a LOGIN role of their own.
CREATE TABLE tenant_users (
    user_id                 uuid PRIMARY KEY,
    tenant_id               uuid        NOT NULL REFERENCES tenants (tenant_id),
    email                   text        NOT NULL,
    role                    text        NOT NULL,
    teams                   jsonb       NOT NULL DEFAULT '[]'::jsonb,
    invited_by              text,
    database_user           text        NOT NULL UNIQUE,
    status                  text        NOT NULL CHECK (status IN ('invited', 'active', 'removed')),
    created_at              timestamptz NOT NULL DEFAULT now(),
    activated_at            timestamptz,
    credentials_rotated_at  timestamptz,
    removed_at              timestamptz
);
CREATE UNIQUE INDEX tenant_users_email ON tenant_users (tenant_id, lower(email)) WHERE status <> 'removed';

-- One-time links; only the SHA-256 of a token is kept.
CREATE TABLE invitations (
    token_hash   text PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES tenant_users (user_id),
    purpose      text        NOT NULL CHECK (purpose IN ('invitation', 'rotation')),
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitations_by_user ON invitations (user_id);

-- Mail waiting to be sent. The message itself (it holds a one-time link) is kept in the secret
-- store under platform/outbox/{id}, never in this table.
CREATE TABLE mail_outbox (
    id               uuid PRIMARY KEY,
    recipient        text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    last_error       text,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'pending';

-- Identity providers a tenant signs in with (their secrets are in tenant-auth/{tenant_id}).
ALTER TABLE tenants
    ADD COLUMN auth_providers   text[] NOT NULL DEFAULT '{}',
    ADD COLUMN auth_updated_at  timestamptz;
