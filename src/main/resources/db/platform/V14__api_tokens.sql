-- Scoped API tokens (POST /api/v1/tokens). Only a hash of each token is kept: the token itself is
-- shown once, in the creation reply. The bootstrap admin token (ONBOARDING_API_TOKEN or
-- $DATA_DIR/api-token) is not in this table.
CREATE TABLE api_tokens (
    token_id    uuid        PRIMARY KEY,
    name        text        NOT NULL,
    scopes      text[]      NOT NULL CHECK (cardinality(scopes) > 0
                                            AND scopes <@ ARRAY['admin', 'operator', 'reader']),
    -- SHA-256 of the token (256 random bits): looked up by this, unique.
    token_hash  bytea       NOT NULL UNIQUE,
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);

-- A name names one token that can still be revoked; a revoked token frees its name.
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (lower(name)) WHERE revoked_at IS NULL;
