package io.onboarding.git;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.onboarding.support.FakeVault;
import io.onboarding.support.LogCapture;
import io.onboarding.support.RefusedActivation;
import io.onboarding.support.RunningService;
import io.onboarding.support.SecretsSeen;
import io.onboarding.tenant.TenantNaming;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With GIT_SERVER_URL set: a Gitea stand-in (WireMock) receives the repository, its initial commit
 * and a read-only deploy key whose private half is kept at tenant-git/{tenant_id} (a Vault stand-in);
 * the repository is deleted when onboarding fails later, archived by a destroy, and one of that name
 * that is not the tenant's is a conflict, never deleted.
 */
class TenantGitServerTest {

    private static final String PLATFORM_DB = "platform_git_server_test";
    private static final String GIT_TOKEN = "gitea-token-0123456789abcdef";
    private static final String VAULT_TOKEN = "hvs.git-test-token-0123456789";
    private static final String ORG = "acme-platform";
    private static WireMockServer gitea;
    private static FakeVault vault;
    private static RunningService service;

    @BeforeAll
    static void start() throws Exception {
        gitea = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        gitea.start();
        vault = new FakeVault(VAULT_TOKEN, "kv");
        SecretsSeen.record(GIT_TOKEN);
        SecretsSeen.record(VAULT_TOKEN);
        service = RunningService.start(PLATFORM_DB, Map.of(
                "onboarding.git.server-url", "http://127.0.0.1:" + gitea.port(),
                "onboarding.git.server-token", GIT_TOKEN,
                "onboarding.git.server-org", ORG,
                "onboarding.vault.address", vault.address(),
                "onboarding.vault.token", VAULT_TOKEN,
                "onboarding.vault.kv-mount", "kv"));
        RefusedActivation.install(PLATFORM_DB, "Doomed");
    }

    @AfterAll
    static void stop() {
        service.close();
        gitea.stop();
        vault.close();
        assertThat(LogCapture.text()).doesNotContain(GIT_TOKEN).doesNotContain("BEGIN OPENSSH PRIVATE KEY");
    }

    private static String repoPath(UUID tenantId) {
        return "/api/v1/repos/" + ORG + "/" + GitNaming.repositoryName(tenantId);
    }

    private static String cloneUrl(UUID tenantId) {
        return "https://git.example.test/" + ORG + "/" + GitNaming.repositoryName(tenantId) + ".git";
    }

    /** Gitea's answers for one tenant's repository, made by us (its description is our marker). */
    private static void serverKnows(UUID tenantId) {
        String repository = """
                {"name":"%s","description":"%s","clone_url":"%s","ssh_url":"git@git.example.test:%s/%s.git","empty":false}"""
                .formatted(GitNaming.repositoryName(tenantId), TenantNaming.ownerMarker(tenantId), cloneUrl(tenantId), ORG,
                        GitNaming.repositoryName(tenantId));
        gitea.stubFor(post(urlEqualTo("/api/v1/orgs/" + ORG + "/repos"))
                .withRequestBody(matchingJsonPath("$.name", equalTo(GitNaming.repositoryName(tenantId))))
                .willReturn(json(201, repository.replace("\"empty\":false", "\"empty\":true"))));
        gitea.stubFor(get(urlEqualTo(repoPath(tenantId))).willReturn(json(200, repository)));
        gitea.stubFor(post(urlEqualTo(repoPath(tenantId) + "/contents")).willReturn(json(201, "{}")));
        gitea.stubFor(post(urlEqualTo(repoPath(tenantId) + "/keys")).willReturn(json(201, "{\"id\":7}")));
        gitea.stubFor(delete(urlEqualTo(repoPath(tenantId) + "/keys/7")).willReturn(aResponse().withStatus(204)));
        gitea.stubFor(delete(urlEqualTo(repoPath(tenantId))).willReturn(aResponse().withStatus(204)));
        gitea.stubFor(patch(urlEqualTo(repoPath(tenantId))).willReturn(json(200, repository)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static JsonNode provision(UUID tenantId, String name) {
        return service.provision("""
                {"tenant_id":"%s","tenant_name":"%s","plan":"standard","region":"local","admin_email":"ops@acme.example"}"""
                .formatted(tenantId, name));
    }

    @Test
    void theServerReceivesTheRepositoryItsFilesAndAReadOnlyDeployKeyKeptInTheSecretStore() throws Exception {
        UUID tenantId = UUID.randomUUID();
        serverKnows(tenantId);
        String name = "Acme " + tenantId.toString().substring(0, 8);

        assertThat(provision(tenantId, name).get("status").asText()).isEqualTo("succeeded");

        gitea.verify(postRequestedFor(urlEqualTo("/api/v1/orgs/" + ORG + "/repos"))
                .withHeader("Authorization", equalTo("token " + GIT_TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(matchingJsonPath("$.name", equalTo(GitNaming.repositoryName(tenantId))))
                .withRequestBody(matchingJsonPath("$.private", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.description", equalTo(TenantNaming.ownerMarker(tenantId)))));
        String readme = Base64.getEncoder().encodeToString(InitialContent.files(
                tenantRecord(tenantId, name)).get("README.md"));
        gitea.verify(postRequestedFor(urlEqualTo(repoPath(tenantId) + "/contents"))
                .withHeader("Authorization", equalTo("token " + GIT_TOKEN))
                .withRequestBody(matchingJsonPath("$.files[?(@.path == 'README.md')].content", equalTo(readme)))
                .withRequestBody(matchingJsonPath("$.files[?(@.path == 'applications/.gitkeep')]"))
                .withRequestBody(matchingJsonPath("$.files[?(@.path == 'CODEOWNERS')]")));
        gitea.verify(postRequestedFor(urlEqualTo(repoPath(tenantId) + "/keys"))
                .withRequestBody(matchingJsonPath("$.read_only", equalTo("true"))));

        Map<String, Object> secret = vault.latest(GitNaming.secretPath(tenantId));
        assertThat(secret).containsEntry("kind", "deploy-key").containsEntry("key_id", "7")
                .containsEntry("repository", ORG + "/" + GitNaming.repositoryName(tenantId));
        String privateKey = (String) secret.get("private_key");
        assertThat(privateKey).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(derivedPublicKey(privateKey)).isEqualTo(secret.get("public_key").toString().split(" ")[1]);

        String tenant = service.api().get("/api/v1/tenants/" + tenantId).raw().body();
        assertThat(service.api().get("/api/v1/tenants/" + tenantId).body().get("git").get("repository_url").asText())
                .isEqualTo(cloneUrl(tenantId));
        assertThat(tenant).doesNotContain(GIT_TOKEN).doesNotContain("PRIVATE KEY")
                .doesNotContain(secret.get("public_key").toString().split(" ")[1]);
    }

    @Test
    void aLaterFailingStepDeletesTheRepositoryAndItsKey() {
        UUID tenantId = UUID.randomUUID();
        serverKnows(tenantId);

        JsonNode operation = provision(tenantId, "Doomed " + tenantId.toString().substring(0, 8));

        assertThat(operation.get("status").asText()).isEqualTo("failed");
        assertThat(operation.get("compensated").asBoolean()).as(operation.toString()).isTrue();
        gitea.verify(deleteRequestedFor(urlEqualTo(repoPath(tenantId)))
                .withHeader("Authorization", equalTo("token " + GIT_TOKEN)));
        assertThat(vault.versions(GitNaming.secretPath(tenantId))).isEmpty();
        assertThat(service.api().get("/api/v1/tenants/" + tenantId).body().has("git")).isFalse();
    }

    @Test
    void destroyArchivesTheRepositoryAfterRemovingItsDeployKey() {
        UUID tenantId = UUID.randomUUID();
        serverKnows(tenantId);
        String name = "Hooli " + tenantId.toString().substring(0, 8);
        assertThat(provision(tenantId, name).get("status").asText()).isEqualTo("succeeded");

        JsonNode accepted = service.api().delete("/api/v1/tenants/" + tenantId + "?confirm="
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")).body();
        JsonNode destroyed = service.awaitOperation(accepted.get("operation_id").asText());

        assertThat(destroyed.get("status").asText()).as(destroyed.toString()).isEqualTo("succeeded");
        gitea.verify(deleteRequestedFor(urlEqualTo(repoPath(tenantId) + "/keys/7")));
        gitea.verify(patchRequestedFor(urlEqualTo(repoPath(tenantId)))
                .withHeader("Authorization", equalTo("token " + GIT_TOKEN))
                .withRequestBody(equalToJson("{\"archived\":true}")));
        gitea.verify(0, deleteRequestedFor(urlEqualTo(repoPath(tenantId))));
        assertThat(vault.versions(GitNaming.secretPath(tenantId))).isEmpty();
        JsonNode git = service.api().get("/api/v1/tenants/" + tenantId).body().get("git");
        assertThat(git.get("repository_url").asText()).isEqualTo(cloneUrl(tenantId));
        assertThat(git.has("archived_at")).isTrue();
    }

    @Test
    void aRepositoryOfThatNameThatIsNotTheTenantsIsAConflictAndNeverDeleted() {
        UUID tenantId = UUID.randomUUID();
        gitea.stubFor(post(urlEqualTo("/api/v1/orgs/" + ORG + "/repos"))
                .withRequestBody(matchingJsonPath("$.name", equalTo(GitNaming.repositoryName(tenantId))))
                .willReturn(json(409, "{\"message\":\"The repository with the same name already exists.\"}")));
        gitea.stubFor(get(urlEqualTo(repoPath(tenantId))).willReturn(json(200,
                "{\"name\":\"%s\",\"description\":\"the web team's\"}".formatted(GitNaming.repositoryName(tenantId)))));

        JsonNode operation = provision(tenantId, "Umbrella " + tenantId.toString().substring(0, 8));

        assertThat(operation.get("status").asText()).isEqualTo("failed");
        assertThat(operation.get("error").asText()).contains("does not belong to tenant " + tenantId);
        gitea.verify(0, deleteRequestedFor(urlEqualTo(repoPath(tenantId))));
    }

    private static io.onboarding.tenant.TenantRecord tenantRecord(UUID tenantId, String name) {
        return new io.onboarding.tenant.TenantRecord(tenantId, name, "standard", "local", "standard", null,
                "ops@acme.example", "active", null, null, null, null, 20, "UTF8", java.util.List.of(), null, null,
                null, null, null, null, null, null, null, "default");
    }

    /** The public key ssh-keygen derives from the stored private key: proves the key is well-formed. */
    private static String derivedPublicKey(String privateKey) throws Exception {
        Path file = Files.createTempFile("deploy-key", "", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, privateKey);
        Process process = new ProcessBuilder("ssh-keygen", "-y", "-f", file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        Files.delete(file);
        return output.trim().split(" ")[1];
    }
}
