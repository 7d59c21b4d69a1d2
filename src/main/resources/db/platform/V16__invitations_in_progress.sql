-- An invitation is recorded ('inviting') before its login role, credential and mail are made, and
-- becomes 'invited' with its link in one transaction at the end. A crash in between leaves a row that
-- names what to clean up: the recovery pass claims it ('abandoning'; an invitation still finishing
-- then fails instead of succeeding), undoes it and deletes the row (UserInvitations.abandonUnfinished).
ALTER TABLE tenant_users DROP CONSTRAINT tenant_users_status_check;
ALTER TABLE tenant_users ADD CONSTRAINT tenant_users_status_check
    CHECK (status IN ('inviting', 'abandoning', 'invited', 'active', 'removed'));
CREATE INDEX tenant_users_unfinished ON tenant_users (created_at) WHERE status IN ('inviting', 'abandoning');
