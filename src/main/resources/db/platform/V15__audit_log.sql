-- The audit log: one row per mutating API call (who, what, on which tenant, from where, with what
-- outcome), per credential hand-out and per lifecycle event. Never a request body or a secret.
CREATE TABLE audit_log (
    audit_id        uuid        PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    token_name      text,
    action          text        NOT NULL,
    tenant_id       uuid,
    client_address  text,
    user_agent      text,
    outcome         text        NOT NULL,
    request_id      text
);

CREATE INDEX audit_log_listing ON audit_log (at, audit_id);
CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, at) WHERE tenant_id IS NOT NULL;

-- Append-only, enforced here and not only by the code: the service connects as a superuser (or a
-- CREATEDB+CREATEROLE owner) that privileges alone would not stop, but a trigger stops any role
-- short of one that drops or disables it (which only the table's owner or a superuser can do,
-- and which shows in the database's DDL history).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- For a role that is not a superuser, privileges say the same.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER;

-- The request (X-Request-Id) that started an operation; NULL for inbox, JMS and internal ones.
ALTER TABLE operations ADD COLUMN request_id text;
