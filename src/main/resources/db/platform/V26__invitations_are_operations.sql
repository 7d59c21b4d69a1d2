-- Invitations are operations of the engine now (invite-user, routes/users.yaml): their in-progress
-- state is the journal's, not the statuses 'inviting' and 'abandoning' of V16. A row still in one
-- of them for longer than that release's onboarding.users.unfinished-invitation-timeout-seconds
-- (default 300), or claimed by its recovery pass ('abandoning'), was left half made by a crash (one
-- younger may still be being made by an instance of that release during a rolling restart: it is left
-- to that instance). Each becomes a failed invite-user operation that is still
-- compensating, its parts journaled as possibly done, so the engine's recovery pass undoes them at
-- the first start: prepared mail discarded, login role dropped, credential deleted (each undo is
-- idempotent: what the crash never made is simply not there). The row itself goes now (it never had
-- a link or a queued mail); the operation keeps what the undos need in its parameters.
INSERT INTO operations (operation_id, type, tenant_id, status, compensating, error, parameters)
SELECT md5('invite-user/' || user_id)::uuid, 'invite-user', tenant_id, 'running', true,
       'left half made by a crash under an earlier release; undone by the engine',
       jsonb_strip_nulls(jsonb_build_object('user_id', user_id::text, 'email', email, 'role', role,
                                            'teams', teams::text, 'invited_by', invited_by))
FROM tenant_users WHERE status = 'abandoning' OR (status = 'inviting' AND created_at < now() - interval '300 seconds');

INSERT INTO operation_steps (operation_id, position, name, status)
SELECT md5('invite-user/' || u.user_id)::uuid, step.position, step.name, step.status
FROM tenant_users u
CROSS JOIN (VALUES (0, 'store-user-credential', 'running'), (1, 'create-user-login', 'running'),
                   (2, 'prepare-invitation-mail', 'running'), (3, 'record-invited-user', 'pending'))
    AS step (position, name, status)
WHERE u.status = 'abandoning' OR (u.status = 'inviting' AND u.created_at < now() - interval '300 seconds');

DELETE FROM tenant_users WHERE status = 'abandoning' OR (status = 'inviting' AND created_at < now() - interval '300 seconds');

-- The two statuses stay allowed (and V16's index stays) for now: during a rolling restart the
-- instances of the earlier release still invite that way, and their own recovery timer still undoes
-- what they leave half made while they run. This release never writes them, and lists neither. The
-- migration of the release after this one converts any such row left since, as above, and narrows
-- the check to ('invited', 'active', 'removed') and drops the index.
