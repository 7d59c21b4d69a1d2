package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.Catalog;
import io.onboarding.support.Pipelines;
import io.onboarding.support.RunningService;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
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

    private static OffsetDateTime finishedAt(JsonNode operation, String step) {
        for (JsonNode journaled : operation.get("steps")) {
            if (journaled.get("name").asText().equals(step)) {
                return OffsetDateTime.parse(journaled.get("finished_at").asText());
            }
        }
        throw new AssertionError("no step " + step + " in " + operation);
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
            // The steps of the pipeline in routes/: those up to the failed one undone, the rest never run;
            // a standard plan skips the approval.
            List<String> pipeline = Pipelines.steps("provision");
            List<String> ran = Pipelines.stepsThrough("provision", "create-tenant-database");
            Map<String, String> expected = new LinkedHashMap<>();
            pipeline.forEach(step -> expected.put(step, ran.contains(step) ? "compensated" : "pending"));
            expected.put("await-approval", "skipped");
            assertThat(stepStatuses(operation)).containsExactlyEntriesOf(expected);
            // Undone in reverse order: the database step before the roles step.
            assertThat(finishedAt(operation, "create-tenant-database"))
                    .isBeforeOrEqualTo(finishedAt(operation, "create-tenant-roles"));
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
