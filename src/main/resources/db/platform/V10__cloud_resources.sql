-- An enterprise tenant's cloud resource, as the cloud provisioner named it: recorded as soon as it
-- is created, so the step's undo, a re-run after a crash and destroy all know what to release.
ALTER TABLE tenants ADD COLUMN cloud_resource_id text;
