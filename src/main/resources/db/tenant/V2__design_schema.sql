-- The design's tenant schema. V1 had renamed some of its columns; the design's are added beside them
-- (nothing renamed or dropped), filled from the old ones, and kept equal to them by a trigger, so
-- readers and writers of either name keep working. Runs as the tenant admin role, like V1.

-- On INSERT a value in the old column wins (old timestamp columns lose their default below, so a
-- value there was given); otherwise the old column copies the design's. On UPDATE whichever of the
-- two changed is copied to the other. Arguments: pairs of (design column, old column).
CREATE FUNCTION mirror_renamed_columns() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_now jsonb := to_jsonb(NEW);
    row_before jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) END;
    design text;
    legacy text;
BEGIN
    FOR i IN 0 .. TG_NARGS - 1 BY 2 LOOP
        design := TG_ARGV[i];
        legacy := TG_ARGV[i + 1];
        IF TG_OP = 'UPDATE' THEN
            IF row_now -> design IS DISTINCT FROM row_before -> design THEN
                row_now := jsonb_set(row_now, ARRAY[legacy], row_now -> design);
            ELSIF row_now -> legacy IS DISTINCT FROM row_before -> legacy THEN
                row_now := jsonb_set(row_now, ARRAY[design], row_now -> legacy);
            END IF;
        ELSIF jsonb_typeof(row_now -> legacy) <> 'null' THEN
            row_now := jsonb_set(row_now, ARRAY[design], row_now -> legacy);
        ELSE
            row_now := jsonb_set(row_now, ARRAY[legacy], row_now -> design);
        END IF;
    END LOOP;
    NEW := jsonb_populate_record(NEW, row_now);
    RETURN NEW;
END
$$;

-- applications: only additions.
ALTER TABLE applications
    ADD COLUMN team           text,
    ADD COLUMN git_repository text,
    ADD COLUMN desired_state  jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN actual_state   jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN created_by     text;

-- resources: type (was resource_type), status, provider_resource_id; (name, type) unique.
ALTER TABLE resources
    ADD COLUMN type                 text,
    ADD COLUMN status               text NOT NULL DEFAULT 'pending',
    ADD COLUMN provider_resource_id text;
UPDATE resources SET type = resource_type;
ALTER TABLE resources ALTER COLUMN type SET NOT NULL;
-- Stop with a clear message rather than drop or rename anything: the tenant gets a "schema"
-- warning and the next start tries again once the duplicates are resolved.
DO $$
DECLARE
    duplicates bigint;
BEGIN
    SELECT count(*) INTO duplicates FROM (SELECT 1 FROM resources GROUP BY name, type HAVING count(*) > 1) d;
    IF duplicates > 0 THEN
        RAISE EXCEPTION 'resources: % (name, type) pairs are used more than once; the design makes them unique',
            duplicates;
    END IF;
END
$$;
ALTER TABLE resources ADD CONSTRAINT resources_name_type_key UNIQUE (name, type);

-- deployments: triggered_by (was deployed_by), started_at (was deployed_at), completed_at, metadata;
-- and the design's foreign key does not cascade: an application with deployments cannot be deleted.
ALTER TABLE deployments
    ADD COLUMN triggered_by text,
    ADD COLUMN started_at   timestamptz DEFAULT now(),
    ADD COLUMN completed_at timestamptz,
    ADD COLUMN metadata     jsonb NOT NULL DEFAULT '{}'::jsonb;
UPDATE deployments SET triggered_by = deployed_by, started_at = deployed_at;
ALTER TABLE deployments ALTER COLUMN deployed_at DROP DEFAULT, ALTER COLUMN deployed_at DROP NOT NULL;
ALTER TABLE deployments DROP CONSTRAINT deployments_application_id_fkey,
    ADD CONSTRAINT deployments_application_id_fkey FOREIGN KEY (application_id) REFERENCES applications (id);

-- user_activity: user_id (was user_name), ip_address, user_agent, created_at (was occurred_at).
ALTER TABLE user_activity
    ADD COLUMN user_id    text,
    ADD COLUMN ip_address inet,
    ADD COLUMN user_agent text,
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
UPDATE user_activity SET user_id = user_name, created_at = occurred_at;
ALTER TABLE user_activity ALTER COLUMN user_id SET NOT NULL;
ALTER TABLE user_activity ALTER COLUMN user_name DROP NOT NULL,
    ALTER COLUMN occurred_at DROP DEFAULT, ALTER COLUMN occurred_at DROP NOT NULL;

CREATE TRIGGER resources_mirror_renamed BEFORE INSERT OR UPDATE ON resources
    FOR EACH ROW EXECUTE FUNCTION mirror_renamed_columns('type', 'resource_type');
CREATE TRIGGER deployments_mirror_renamed BEFORE INSERT OR UPDATE ON deployments
    FOR EACH ROW EXECUTE FUNCTION mirror_renamed_columns('triggered_by', 'deployed_by', 'started_at', 'deployed_at');
CREATE TRIGGER user_activity_mirror_renamed BEFORE INSERT OR UPDATE ON user_activity
    FOR EACH ROW EXECUTE FUNCTION mirror_renamed_columns('user_id', 'user_name', 'created_at', 'occurred_at');

-- The design's eight indexes: idx_resources_type on the design's column; the two user_activity
-- indexes on the old columns replaced by the design's.
DROP INDEX idx_resources_type;
CREATE INDEX idx_resources_type ON resources (type);
DROP INDEX idx_user_activity_user_name;
DROP INDEX idx_user_activity_occurred_at;
CREATE INDEX idx_user_activity_user_id ON user_activity (user_id);
CREATE INDEX idx_user_activity_created_at ON user_activity (created_at);
