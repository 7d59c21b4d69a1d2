package io.onboarding.tenant.schema;

import io.onboarding.tenant.TenantNaming;

import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/** Tenants of an earlier release (tenant schema V1) for the convergence and rollout tests. */
public final class EarlierTenantSchema {

    static final String APP = "00000000-0000-0000-0000-0000000000a1";
    static final String OTHER_APP = "00000000-0000-0000-0000-0000000000a2";

    private EarlierTenantSchema() {
    }

    /** The service as the earlier release: the tenants it provisions stay at tenant schema V1. */
    static RunningService startEarlierRelease(String platformDb, Path dataDir) throws Exception {
        return RunningService.start(platformDb, Map.of("onboarding.tenant-schema.target", "1"), dataDir);
    }

    /** Two applications with a resource of the same name and type: the design's UNIQUE (name, type) fails. */
    static void addDuplicateResources(Catalog catalog, UUID tenantId) {
        catalog.execute(TenantNaming.databaseName(tenantId),
                "INSERT INTO applications (id, name) VALUES ('" + APP + "', 'a'), ('" + OTHER_APP + "', 'b')",
                "INSERT INTO resources (application_id, resource_type, name) VALUES ('" + APP + "', 'queue', 'jobs'),"
                        + " ('" + OTHER_APP + "', 'queue', 'jobs')");
    }

    /** The tenant's schema version, as the control plane records it (what the platform decides by). */
    public static String version(Catalog catalog, UUID tenantId) {
        return catalog.platform("SELECT schema_version FROM tenants WHERE tenant_id = ?", tenantId).get(0);
    }

    /** The last migration the tenant's database says it committed (the comment on schema public). */
    public static String mark(Catalog catalog, UUID tenantId) {
        return catalog.value(TenantNaming.databaseName(tenantId),
                "SELECT obj_description('public'::regnamespace, 'pg_namespace')");
    }
}
