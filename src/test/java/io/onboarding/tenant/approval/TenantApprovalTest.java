package io.onboarding.tenant.approval;

import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Assisted onboarding: an enterprise tenant waits, with nothing provisioned, across a restart,
 * until it is approved (then provisioned) or rejected (then failed with nothing left).
 */
class TenantApprovalTest {

    private static final String PLATFORM_DB = "platform_approval_test";
    private static final Map<String, String> SETTINGS = Map.of("onboarding.approval.plans", "enterprise");
    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;

    private static java.nio.file.Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        dataDir = java.nio.file.Files.createTempDirectory("onboarding-test-data");
        service = RunningService.start(PLATFORM_DB, SETTINGS, dataDir);
        api = service.api();
        catalog = service.catalog();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    /** POSTs an enterprise tenant and waits until its onboarding waits for approval; returns the reply. */
    private static JsonNode awaitingTenant(UUID tenantId) {
        ApiClient.Response accepted = api.post("/api/v1/tenants", """
                {"tenant_id":"%s","tenant_name":"Big %s","plan":"enterprise","region":"local"}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8)));
        assertThat(accepted.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(tenantId).equals("awaiting_approval"));
        return accepted.body();
    }

    private static String status(UUID tenantId) {
        return api.get("/api/v1/tenants/" + tenantId).body().get("status").asText();
    }

    private static JsonNode operation(String operationId) {
        return api.get("/api/v1/operations/" + operationId).body();
    }

    @Test
    void anEnterpriseTenantWaitsAcrossARestartAndIsProvisionedOnceApproved() throws Exception {
        UUID tenantId = UUID.randomUUID();
        String operationId = awaitingTenant(tenantId).get("operation_id").asText();
        String database = TenantNaming.databaseName(tenantId);

        assertThat(catalog.databaseExists(database)).as("nothing provisioned before approval").isFalse();
        assertThat(catalog.roleExists(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN))).isFalse();
        JsonNode waiting = operation(operationId);
        assertThat(waiting.get("status").asText()).isEqualTo("running");
        assertThat(waiting.get("steps").get(0).get("name").asText()).isEqualTo("await-approval");
        // What the step waits for is its reason; it has not failed.
        assertThat(waiting.get("steps").get(0).get("status").asText()).isEqualTo("running");
        assertThat(waiting.get("steps").get(0).get("reason").asText()).contains("awaiting approval");
        assertThat(waiting.get("steps").get(0).get("error").isNull()).isTrue();
        // No role exists yet, so none is named.
        JsonNode awaiting = api.get("/api/v1/tenants/" + tenantId).body();
        assertThat(awaiting.get("roles")).isEmpty();
        assertThat(api.get("/api/v1/tenants?status=awaiting_approval").body().toString()).contains(tenantId.toString());

        // A restart (same control plane and data directory) keeps it waiting.
        service.close();
        service = RunningService.start(PLATFORM_DB, SETTINGS, dataDir);
        api = service.api();
        assertThat(status(tenantId)).isEqualTo("awaiting_approval");
        assertThat(catalog.databaseExists(database)).isFalse();

        // One pair of bodies: reject needs its reason; each takes its decider's name, not the other's.
        assertThat(api.post("/api/v1/tenants/" + tenantId + "/reject", "{\"rejected_by\":\"ops\"}").body()
                .at("/error/details/0/field").asText()).isEqualTo("reason");
        assertUnknownField(api.post("/api/v1/tenants/" + tenantId + "/approve", "{\"rejected_by\":\"ops\"}"),
                "rejected_by");
        // A misspelt field is refused, not ignored: the caller learns the note was not taken.
        assertUnknownField(api.post("/api/v1/tenants/" + tenantId + "/approve",
                "{\"approved_by\":\"ops@example.test\",\"notes\":\"contract signed\"}"), "notes");
        assertUnknownField(api.post("/api/v1/tenants/" + tenantId + "/reject", "{\"reason\":\"x\",\"force\":true}"),
                "force");
        assertThat(status(tenantId)).isEqualTo("awaiting_approval");
        ApiClient.Response approved = api.post("/api/v1/tenants/" + tenantId + "/approve",
                "{\"approved_by\":\"ops@example.test\",\"note\":\"contract signed\"}");
        assertThat(approved.status()).isEqualTo(202);
        assertThat(approved.body().get("operation_id").asText()).isEqualTo(operationId);
        assertThat(approved.body().get("type").asText()).isEqualTo("provision");
        assertThat(approved.body().get("decision").asText()).isEqualTo("approved");
        assertThat(approved.header("Location")).contains("/api/v1/operations/" + operationId);
        JsonNode done = service.awaitOperation(operationId);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(status(tenantId)).isEqualTo("active");
        assertThat(catalog.databaseExists(database)).isTrue();
        assertThat(api.post("/api/v1/tenants/" + tenantId + "/approve", "{\"approved_by\":\"again\"}").status())
                .as("only a tenant awaiting approval").isEqualTo(409);
    }

    private static void assertUnknownField(ApiClient.Response refused, String field) {
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(400);
        assertThat(refused.body().get("error").get("details").get(0).get("field").asText()).isEqualTo(field);
        assertThat(refused.body().get("error").get("details").get(0).get("message").asText()).contains("not a known field");
    }

    @Test
    void aRejectedOnboardingEndsFailedWithNothingLeft() {
        UUID tenantId = UUID.randomUUID();
        String operationId = awaitingTenant(tenantId).get("operation_id").asText();

        ApiClient.Response rejected = api.post("/api/v1/tenants/" + tenantId + "/reject",
                "{\"reason\":\"no contract\",\"rejected_by\":\"ops@example.test\"}");
        assertThat(rejected.status()).isEqualTo(202);
        assertThat(rejected.body().get("decision").asText()).isEqualTo("rejected");
        JsonNode failed = service.awaitOperation(operationId);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("compensated").asBoolean()).isTrue();
        assertThat(failed.get("error").asText()).contains("rejected by ops@example.test: no contract");
        assertThat(status(tenantId)).isEqualTo("failed");
        assertThat(catalog.databaseExists(TenantNaming.databaseName(tenantId))).isFalse();
        assertThat(catalog.roleExists(TenantNaming.roleName(tenantId, TenantRole.TENANT_ADMIN))).isFalse();
        assertThat(api.post("/api/v1/tenants/" + UUID.randomUUID() + "/reject", "{\"reason\":\"x\"}").status())
                .isEqualTo(404);
    }

    @Test
    void aDecisionWithoutADeciderIsTheCallingTokensAndIsAudited() {
        UUID tenantId = UUID.randomUUID();
        String operationId = awaitingTenant(tenantId).get("operation_id").asText();

        ApiClient.Response rejected = api.post("/api/v1/tenants/" + tenantId + "/reject", "{\"reason\":\"duplicate\"}");
        assertThat(rejected.status()).as(rejected.body().toString()).isEqualTo(202);
        assertThat(service.awaitOperation(operationId).get("error").asText())
                .contains("rejected by " + io.onboarding.access.BootstrapToken.NAME + ": duplicate");
        JsonNode audit = api.get("/api/v1/audit?tenant_id=" + tenantId + "&action=reject-tenant").body();
        assertThat(audit.at("/items/0/token_name").asText()).isEqualTo(io.onboarding.access.BootstrapToken.NAME);
        assertThat(audit.at("/items/0/outcome").asText()).isEqualTo("202");
    }

    @Test
    void aStandardTenantNeedsNoApproval() {
        JsonNode operation = service.provision("""
                {"tenant_name":"Small %s","plan":"standard","region":"local"}"""
                .formatted(UUID.randomUUID().toString().substring(0, 8)));
        assertThat(operation.get("status").asText()).isEqualTo("succeeded");
        assertThat(operation.get("steps").get(0).get("status").asText()).isEqualTo("skipped");
    }

    @Test
    void anOnboardingNotApprovedInTimeIsRejected() throws Exception {
        try (RunningService timed = RunningService.start("platform_approval_timeout_test",
                Map.of("onboarding.approval.plans", "enterprise", "onboarding.approval.timeout", "PT2S"))) {
            UUID tenantId = UUID.randomUUID();
            ApiClient.Response accepted = timed.api().post("/api/v1/tenants", """
                    {"tenant_id":"%s","tenant_name":"Late %s","plan":"enterprise","region":"local"}"""
                    .formatted(tenantId, tenantId.toString().substring(0, 8)));
            assertThat(accepted.status()).isEqualTo(202);
            // The recovery pass (every second in tests) finds it past its time and rejects it.
            JsonNode failed = await().atMost(Duration.ofSeconds(60)).until(() -> timed.api()
                    .get("/api/v1/operations/" + accepted.body().get("operation_id").asText()).body(),
                    operation -> operation.get("status").asText().equals("failed"));
            assertThat(failed.get("error").asText()).contains("not approved within PT2S");
            assertThat(catalog.databaseExists(TenantNaming.databaseName(tenantId))).isFalse();
        }
    }
}
