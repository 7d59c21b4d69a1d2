-- Invitations are operations of the engine now (invite-user, routes/users.yaml): their in-progress
-- state is the journal's, and the statuses 'inviting' and 'abandoning' of V16 go. A row still in one
-- of them was left half made by an earlier release (a crash inside an invitation, not yet cleaned up
-- by that release's own recovery timer). Each becomes a failed invite-user operation that is still
-- compensating, its parts journaled as possibly done, so the engine's recovery pass undoes them at
-- the first start: prepared mail discarded, login role dropped, credential deleted (each undo is
-- idempotent: what the crash never made is simply not there). The row itself goes now (it never had
-- a link or a queued mail); the operation keeps what the undos need in its parameters.
INSERT INTO operations (operation_id, type, tenant_id, status, compensating, error, parameters)
SELECT md5('invite-user/' || user_id)::uuid, 'invite-user', tenant_id, 'running', true,
       'left half made by a crash under an earlier release; undone by the engine',
       jsonb_strip_nulls(jsonb_build_object('user_id', user_id::text, 'email', email, 'role', role,
                                            'teams', teams::text, 'invited_by', invited_by))
FROM tenant_users WHERE status IN ('inviting', 'abandoning');

INSERT INTO operation_steps (operation_id, position, name, status)
SELECT md5('invite-user/' || u.user_id)::uuid, step.position, step.name, step.status
FROM tenant_users u
CROSS JOIN (VALUES (0, 'store-user-credential', 'running'), (1, 'create-user-login', 'running'),
                   (2, 'prepare-invitation-mail', 'running'), (3, 'record-invited-user', 'pending'))
    AS step (position, name, status)
WHERE u.status IN ('inviting', 'abandoning');

DELETE FROM tenant_users WHERE status IN ('inviting', 'abandoning');
DROP INDEX tenant_users_unfinished;
ALTER TABLE tenant_users DROP CONSTRAINT tenant_users_status_check;
ALTER TABLE tenant_users ADD CONSTRAINT tenant_users_status_check
    CHECK (status IN ('invited', 'active', 'removed'));
