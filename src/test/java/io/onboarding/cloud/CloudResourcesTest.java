package io.onboarding.cloud;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.support.SecretsSeen;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRole;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The provision-cloud-resources step against a WireMock cloud provisioner, end to end through the API. */
class CloudResourcesTest {

    private static final String PLATFORM_DB = "platform_cloud_test";
    private static WireMockServer provisioner;
    private static java.nio.file.Path gitRoot;
    private static RunningService service;
    private static ApiClient api;
    private static Catalog catalog;

    @BeforeAll
    static void start() throws Exception {
        provisioner = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        provisioner.start();
        gitRoot = java.nio.file.Files.createTempDirectory("cloud-test-git");
        service = RunningService.start(PLATFORM_DB, Map.of(
                "onboarding.cloud-provisioner.url", "http://127.0.0.1:" + provisioner.port() + "/resources",
                "onboarding.cloud-provisioner.retry-delay-ms", "50",
                "onboarding.git-root", gitRoot.toString()));
        api = service.api();
        catalog = service.catalog();
    }

    @AfterAll
    static void stop() {
        service.close();
        provisioner.stop();
    }

    private static String request(UUID tenantId, String plan, String extra) {
        return """
                {"tenant_id":"%s","tenant_name":"Cloud %s","plan":"%s","region":"eu-west-1"%s}"""
                .formatted(tenantId, tenantId.toString().substring(0, 8), plan, extra);
    }

    /** The provisioner's POST for this tenant only (tests share the WireMock server). */
    private static MappingBuilder createFor(UUID tenantId) {
        return post(urlEqualTo("/resources")).withRequestBody(matchingJsonPath("$.tenant_id", equalTo(tenantId.toString())));
    }

    private static String step(JsonNode operation, String name, String field) {
        for (JsonNode step : operation.get("steps")) {
            if (step.get("name").asText().equals(name)) {
                return step.path(field).asText(null);
            }
        }
        throw new AssertionError("no step " + name + " in " + operation);
    }

    @Test
    void anEnterpriseTenantGetsItsCloudResourceAndDestroyReleasesIt() {
        UUID tenantId = UUID.randomUUID();
        String resourceId = "res-" + tenantId;
        provisioner.stubFor(createFor(tenantId).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"resource_id\":\"" + resourceId + "\"}")));
        provisioner.stubFor(delete(urlEqualTo("/resources/" + resourceId)).willReturn(aResponse().withStatus(204)));

        JsonNode operation = service.provision(request(tenantId, "enterprise", ""));

        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
        assertThat(step(operation, "provision-cloud-resources", "status")).isEqualTo("done");
        assertThat(api.get("/api/v1/tenants/" + tenantId).body().get("cloud").get("resource_id").asText())
                .isEqualTo(resourceId);
        provisioner.verify(1, postRequestedFor(urlEqualTo("/resources"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Idempotency-Key", equalTo(tenantId.toString()))
                .withRequestBody(equalToJson("""
                        {"tenant_id":"%s","tenant_name":"Cloud %s","region":"eu-west-1","plan":"enterprise"}"""
                        .formatted(tenantId, tenantId.toString().substring(0, 8)))));

        JsonNode destroyed = service.awaitOperation(api.delete("/api/v1/tenants/" + tenantId + "?confirm=Cloud%20"
                + tenantId.toString().substring(0, 8)).body().get("operation_id").asText());

        assertThat(destroyed.get("status").asText()).as(destroyed.toString()).isEqualTo("succeeded");
        assertThat(step(destroyed, "release-cloud-resources", "status")).isEqualTo("done");
        provisioner.verify(1, deleteRequestedFor(urlEqualTo("/resources/" + resourceId)));
        assertThat(catalog.platform("SELECT count(*) FROM tenants WHERE tenant_id = ? AND cloud_resource_id IS NULL",
                tenantId)).containsExactly("1");
    }

    @Test
    void aStepRunAgainAfterACrashDoesNotCreateASecondResource() {
        UUID tenantId = UUID.randomUUID();
        provisioner.stubFor(createFor(tenantId).willReturn(aResponse().withStatus(201)
                .withBody("{\"resource_id\":\"once-" + tenantId + "\"}")));
        String operationId = service.provision(request(tenantId, "enterprise", "")).get("operation_id").asText();

        // As a crash in the middle of the step leaves the journal: the step running, the rest pending.
        catalog.execute(PLATFORM_DB, "UPDATE operation_steps SET status = 'pending', finished_at = NULL"
                + " WHERE operation_id = '" + operationId + "' AND position > (SELECT position FROM operation_steps"
                + " WHERE operation_id = '" + operationId + "' AND name = 'provision-cloud-resources')",
                "UPDATE operation_steps SET status = 'running', finished_at = NULL WHERE operation_id = '"
                + operationId + "' AND name = 'provision-cloud-resources'",
                "UPDATE operations SET status = 'running', finished_at = NULL WHERE operation_id = '" + operationId + "'");
        JsonNode resumed = service.awaitOperation(operationId);

        assertThat(resumed.get("status").asText()).as(resumed.toString()).isEqualTo("succeeded");
        assertThat(step(resumed, "provision-cloud-resources", "status")).isEqualTo("done");
        provisioner.verify(1, postRequestedFor(urlEqualTo("/resources"))
                .withRequestBody(matchingJsonPath("$.tenant_id", equalTo(tenantId.toString()))));
        assertThat(api.get("/api/v1/tenants/" + tenantId).body().get("cloud").get("resource_id").asText())
                .isEqualTo("once-" + tenantId);
    }

    @Test
    void aResourceTheProvisionerNoLongerKnowsIsReleasedAlready() {
        UUID tenantId = UUID.randomUUID();
        provisioner.stubFor(createFor(tenantId).willReturn(aResponse().withStatus(200)
                .withBody("{\"resource_id\":\"gone-" + tenantId + "\"}")));
        provisioner.stubFor(delete(urlEqualTo("/resources/gone-" + tenantId)).willReturn(aResponse().withStatus(404)));
        assertThat(service.provision(request(tenantId, "enterprise", "")).get("status").asText()).isEqualTo("succeeded");

        JsonNode destroyed = service.awaitOperation(api.delete("/api/v1/tenants/" + tenantId + "?confirm=Cloud%20"
                + tenantId.toString().substring(0, 8)).body().get("operation_id").asText());

        assertThat(destroyed.get("status").asText()).as(destroyed.toString()).isEqualTo("succeeded");
        provisioner.verify(1, deleteRequestedFor(urlEqualTo("/resources/gone-" + tenantId)));
    }

    @Test
    void aProvisionerRefusalFailsTheOnboardingAndEverythingIsUndone() {
        UUID tenantId = UUID.randomUUID();
        String clientSecret = "gh-secret-" + UUID.randomUUID();
        SecretsSeen.record(clientSecret);
        provisioner.stubFor(createFor(tenantId).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"quota exceeded\"}")));

        JsonNode operation = service.provision(request(tenantId, "enterprise", """
                ,"auth_providers":{"github":{"client_id":"Iv1.abc","client_secret":"%s","organization":"acme"}}"""
                .formatted(clientSecret)));

        assertThat(operation.get("status").asText()).isEqualTo("failed");
        assertThat(operation.get("compensated").asBoolean()).as(operation.toString()).isTrue();
        assertThat(operation.get("error").asText()).contains("400").contains("quota exceeded");
        assertThat(step(operation, "provision-cloud-resources", "status")).isEqualTo("compensated");
        assertThat(step(operation, "configure-auth-providers", "status")).isEqualTo("compensated");
        assertThat(step(operation, "create-tenant-git-repository", "status")).isEqualTo("compensated");
        assertThat(gitRoot.resolve(io.onboarding.git.GitNaming.repositoryName(tenantId) + ".git"))
                .as("no repository left").doesNotExist();
        provisioner.verify(1, postRequestedFor(urlEqualTo("/resources"))
                .withRequestBody(matchingJsonPath("$.tenant_id", equalTo(tenantId.toString()))));
        assertThat(catalog.databaseExists(TenantNaming.databaseName(tenantId))).isFalse();
        for (TenantRole role : TenantRole.values()) {
            assertThat(catalog.roleExists(TenantNaming.roleName(tenantId, role))).as(role.apiName()).isFalse();
        }
        assertThat(catalog.platform("SELECT count(*) FROM secrets WHERE path LIKE ?", "tenant-%/" + tenantId + "%"))
                .containsExactly("0");
        assertThat(api.get("/api/v1/tenants/" + tenantId).body().get("status").asText()).isEqualTo("failed");
        assertThat(api.get("/api/v1/operations/" + operation.get("operation_id").asText()).body().toString())
                .doesNotContain(clientSecret);
    }

    @Test
    void twoServerErrorsAreRetriedAndTheThirdAttemptSucceeds() {
        UUID tenantId = UUID.randomUUID();
        String scenario = "flaky-" + tenantId;
        provisioner.stubFor(createFor(tenantId).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("once"));
        provisioner.stubFor(createFor(tenantId).inScenario(scenario).whenScenarioStateIs("once")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("twice"));
        provisioner.stubFor(createFor(tenantId).inScenario(scenario).whenScenarioStateIs("twice")
                .willReturn(aResponse().withStatus(200).withBody("{\"resource_id\":\"third-" + tenantId + "\"}")));

        JsonNode operation = service.provision(request(tenantId, "enterprise", ""));

        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
        provisioner.verify(3, postRequestedFor(urlEqualTo("/resources"))
                .withRequestBody(matchingJsonPath("$.tenant_id", equalTo(tenantId.toString()))));
        assertThat(api.get("/api/v1/tenants/" + tenantId).body().get("cloud").get("resource_id").asText())
                .isEqualTo("third-" + tenantId);
    }

    @Test
    void aStandardTenantNeverCallsTheProvisioner() {
        UUID tenantId = UUID.randomUUID();

        JsonNode operation = service.provision(request(tenantId, "standard", ""));

        assertThat(operation.get("status").asText()).isEqualTo("succeeded");
        assertThat(step(operation, "provision-cloud-resources", "status")).isEqualTo("skipped");
        assertThat(step(operation, "provision-cloud-resources", "reason"))
                .isEqualTo("cloud resources are for the enterprise plan only (plan standard)");
        provisioner.verify(0, postRequestedFor(urlEqualTo("/resources"))
                .withRequestBody(matchingJsonPath("$.tenant_id", equalTo(tenantId.toString()))));
        assertThat(api.get("/api/v1/tenants/" + tenantId).body().has("cloud")).isFalse();
    }
}
