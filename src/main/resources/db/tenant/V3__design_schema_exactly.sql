-- The design's tenant schema exactly (design section 3.2): its types (VARCHAR(n) where it says so),
-- nullability and defaults, its eight indexes by name, and nothing else of the platform's in public.
-- V2's renamed copies of columns and the trigger that kept them equal go; their values are already in
-- the design's columns (V2 filled and mirrored them) or move there now:
--   resources.configuration -> desired_config; deployments.environment -> metadata->'environment'.
-- Fill values for rows the design's NOT NULLs would refuse (docs/tenants.md):
--   applications.team 'unassigned', applications.created_by 'unknown', deployments.triggered_by 'unknown'.
-- Runs as the tenant's steward acting as its admin role, one transaction: all of it or nothing.

-- A value longer than its new VARCHAR(n) stops this tenant's migration, naming table, column and count;
-- nothing is truncated. The tenant stays on its version, with a warning.
DO $$
DECLARE
    limits CONSTANT text[][] := ARRAY[
        ['applications', 'name', '255'], ['applications', 'team', '255'],
        ['applications', 'git_repository', '512'], ['applications', 'status', '50'],
        ['applications', 'created_by', '255'],
        ['resources', 'type', '100'], ['resources', 'name', '255'], ['resources', 'status', '50'],
        ['resources', 'provider_resource_id', '512'],
        ['deployments', 'version', '255'], ['deployments', 'status', '50'], ['deployments', 'triggered_by', '255'],
        ['deployments', 'deployed_by', '255'],
        ['user_activity', 'user_id', '255'], ['user_activity', 'user_name', '255'],
        ['user_activity', 'action', '255'], ['user_activity', 'resource_type', '100']];
    too_long bigint;
    problems text[] := '{}';
BEGIN
    FOR i IN 1 .. pg_catalog.array_length(limits, 1) LOOP
        EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM public.%I WHERE pg_catalog.length(%I) > %s',
                limits[i][1], limits[i][2], limits[i][3]) INTO too_long;
        IF too_long > 0 THEN
            problems := problems || pg_catalog.format('%s.%s: %s value(s) longer than %s characters',
                    limits[i][1], limits[i][2], too_long, limits[i][3]);
        END IF;
    END LOOP;
    IF pg_catalog.cardinality(problems) > 0 THEN
        RAISE EXCEPTION 'the design''s column lengths refuse this data: %', pg_catalog.array_to_string(problems, '; ');
    END IF;
END
$$;

-- V2's mirror of renamed columns.
DROP TRIGGER resources_mirror_renamed ON resources;
DROP TRIGGER deployments_mirror_renamed ON deployments;
DROP TRIGGER user_activity_mirror_renamed ON user_activity;
DROP FUNCTION mirror_renamed_columns();

-- applications
UPDATE applications SET team = 'unassigned' WHERE team IS NULL;
UPDATE applications SET created_by = 'unknown' WHERE created_by IS NULL;
DROP INDEX idx_applications_created_at;
ALTER TABLE applications
    ALTER COLUMN name TYPE varchar(255),
    ALTER COLUMN team TYPE varchar(255), ALTER COLUMN team SET NOT NULL,
    ALTER COLUMN git_repository TYPE varchar(512),
    ALTER COLUMN status TYPE varchar(50), ALTER COLUMN status SET DEFAULT 'pending',
    ALTER COLUMN created_at DROP NOT NULL,
    ALTER COLUMN updated_at DROP NOT NULL,
    ALTER COLUMN created_by TYPE varchar(255), ALTER COLUMN created_by SET NOT NULL,
    ADD COLUMN updated_by varchar(255);
CREATE INDEX idx_applications_team ON applications (team);

-- resources
ALTER TABLE resources
    ADD COLUMN desired_config jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN actual_config  jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN updated_at     timestamp with time zone DEFAULT now();
UPDATE resources SET desired_config = configuration, updated_at = created_at;
DROP INDEX idx_resources_type;
ALTER TABLE resources
    DROP COLUMN resource_type,
    DROP COLUMN configuration,
    ALTER COLUMN application_id DROP NOT NULL,
    ALTER COLUMN type TYPE varchar(100),
    ALTER COLUMN name TYPE varchar(255),
    ALTER COLUMN status TYPE varchar(50), ALTER COLUMN status SET DEFAULT 'pending',
    ALTER COLUMN provider_resource_id TYPE varchar(512),
    ALTER COLUMN created_at DROP NOT NULL;
CREATE INDEX idx_resources_type_status ON resources (type, status);

-- deployments
UPDATE deployments SET triggered_by = coalesce(triggered_by, deployed_by, 'unknown'),
    started_at = coalesce(started_at, deployed_at),
    metadata = metadata || jsonb_build_object('environment', environment);
ALTER TABLE deployments
    DROP COLUMN environment,
    DROP COLUMN deployed_by,
    DROP COLUMN deployed_at,
    ALTER COLUMN version TYPE varchar(255),
    ALTER COLUMN status TYPE varchar(50), ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN triggered_by TYPE varchar(255), ALTER COLUMN triggered_by SET NOT NULL,
    ALTER COLUMN metadata DROP NOT NULL;

-- user_activity
UPDATE user_activity SET user_id = coalesce(user_id, user_name), created_at = coalesce(created_at, occurred_at)
    WHERE user_id IS NULL OR created_at IS NULL;
ALTER TABLE user_activity
    DROP COLUMN user_name,
    DROP COLUMN occurred_at,
    ALTER COLUMN user_id TYPE varchar(255),
    ALTER COLUMN action TYPE varchar(255),
    ALTER COLUMN resource_type TYPE varchar(100),
    ALTER COLUMN details DROP NOT NULL,
    ALTER COLUMN created_at DROP NOT NULL;

-- Flyway's history table of earlier releases: the version is the control plane's now. Only a table of
-- that name goes; anything else there is the tenant's own.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
               WHERE n.nspname OPERATOR(pg_catalog.=) 'public' AND c.relname OPERATOR(pg_catalog.=) 'tenant_schema_history'
                 AND c.relkind OPERATOR(pg_catalog.=) 'r') THEN
        DROP TABLE public.tenant_schema_history;
    END IF;
END
$$;
