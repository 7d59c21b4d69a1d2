package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A step that fails undoes the completed steps in reverse order before the operation is reported
 * failed; objects that are not the tenant's own are never adopted, and never dropped.
 */
class CompensationTest {

    private static RunningService service;
    private static Catalog catalog;

    @BeforeAll
    static void start() throws Exception {
        service = RunningService.start("platform_compensation_test");
        catalog = service.catalog();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static String request(UUID tenantId, String name) {
        return """
                {"tenant_id":"%s","tenant_name":"%s","plan":"standard","region":"local"}""".formatted(tenantId, name);
    }

    private static Map<String, String> stepStatuses(JsonNode operation) {
        Map<String, String> statuses = new LinkedHashMap<>();
        operation.get("steps").forEach(step -> statuses.put(step.get("name").asText(), step.get("status").asText()));
        return statuses;
    }

    @Test
    void aForeignDatabaseFailsTheStepAndTheCreatedRolesAreDropped() {
        UUID tenantId = UUID.randomUUID();
        String database = TenantNaming.databaseName(tenantId);
        catalog.execute("postgres", "CREATE DATABASE " + database,
                "COMMENT ON DATABASE " + database + " IS 'belongs to another team'");
        try {
            JsonNode operation = service.provision(request(tenantId, "Hooli " + tenantId.toString().substring(0, 8)));

            assertThat(operation.get("status").asText()).isEqualTo("failed");
            assertThat(operation.get("compensated").asBoolean()).isTrue();
            assertThat(operation.get("error").asText()).contains("database " + database + " already exists");
            assertThat(stepStatuses(operation)).containsExactly(
                    Map.entry("await-approval", "skipped"),
                    Map.entry("create-tenant-roles", "compensated"),
                    Map.entry("create-tenant-database", "compensated"),
                    Map.entry("migrate-tenant-schema", "pending"),
                    Map.entry("grant-tenant-privileges", "pending"),
                    Map.entry("store-tenant-role-secrets", "pending"),
                    Map.entry("create-tenant-git-repository", "pending"),
                    Map.entry("configure-auth-providers", "pending"),
                    Map.entry("provision-cloud-resources", "pending"),
                    Map.entry("activate-tenant", "pending"),
                    Map.entry("configure-tenant-monitoring", "pending"),
                    Map.entry("schedule-tenant-backups", "pending"),
                    Map.entry("invite-tenant-admin", "pending"));
            // Undone in reverse order: the database step before the roles step.
            assertThat(java.time.OffsetDateTime.parse(operation.get("steps").get(2).get("finished_at").asText()))
                    .isBeforeOrEqualTo(java.time.OffsetDateTime.parse(
                            operation.get("steps").get(1).get("finished_at").asText()));
            for (TenantRole role : TenantRole.values()) {
                assertThat(catalog.roleExists(TenantNaming.roleName(tenantId, role))).as(role.apiName()).isFalse();
            }
            assertThat(catalog.databaseExists(database)).as("the foreign database is left alone").isTrue();
            assertThat(service.api().get("/api/v1/tenants/" + tenantId).body().get("status").asText())
                    .isEqualTo("failed");
            // A failed tenant frees its name.
            JsonNode retry = service.provision(request(UUID.randomUUID(), "Hooli " + tenantId.toString().substring(0, 8)));
            assertThat(retry.get("status").asText()).isEqualTo("succeeded");
        } finally {
            catalog.execute("postgres", "DROP DATABASE IF EXISTS " + database);
        }
    }

    @Test
    void aForeignRoleIsNeverAdoptedAndNothingIsLeftBehind() {
        UUID tenantId = UUID.randomUUID();
        String auditor = TenantNaming.roleName(tenantId, TenantRole.AUDITOR);
        catalog.execute("postgres", "CREATE ROLE " + auditor + " NOLOGIN");
        try {
            JsonNode operation = service.provision(request(tenantId, "Pied Piper " + tenantId.toString().substring(0, 8)));

            assertThat(operation.get("status").asText()).isEqualTo("failed");
            assertThat(operation.get("compensated").asBoolean()).isTrue();
            assertThat(operation.get("error").asText()).contains("role " + auditor + " already exists");
            assertThat(stepStatuses(operation)).containsEntry("create-tenant-roles", "compensated")
                    .containsEntry("create-tenant-database", "pending");
            for (TenantRole role : TenantRole.values()) {
                if (role != TenantRole.AUDITOR) {
                    assertThat(catalog.roleExists(TenantNaming.roleName(tenantId, role))).as(role.apiName()).isFalse();
                }
            }
            assertThat(catalog.roleExists(auditor)).as("the foreign role is left alone").isTrue();
            assertThat(catalog.value("postgres", "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles"
                    + " WHERE rolname = ?", auditor)).as("and not marked as the tenant's").isNull();
            assertThat(catalog.databaseExists(TenantNaming.databaseName(tenantId))).isFalse();
        } finally {
            catalog.execute("postgres", "DROP ROLE IF EXISTS " + auditor);
        }
    }
}
