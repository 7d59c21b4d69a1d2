package io.onboarding.git;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.RefusedActivation;
import io.onboarding.support.RunningService;
import io.onboarding.tenant.TenantRecord;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default Git integration: a bare repository per tenant under GIT_ROOT, cloned with the real
 * {@code git} client from the URL the API shows, removed when onboarding fails later, moved to
 * GIT_ROOT/archive/ by a destroy; a look-alike that is not the tenant's is a conflict, left alone.
 */
class TenantGitTest {

    private static final String PLATFORM_DB = "platform_git_test";
    private static Path gitRoot;
    private static RunningService service;

    @BeforeAll
    static void start() throws Exception {
        gitRoot = Files.createTempDirectory("tenant-git-root");
        service = RunningService.start(PLATFORM_DB, Map.of("onboarding.git-root", gitRoot.toString()));
        RefusedActivation.install(PLATFORM_DB, "Doomed");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static JsonNode provision(UUID tenantId, String name, String adminEmail) {
        return service.provision("""
                {"tenant_id":"%s","tenant_name":"%s","plan":"standard","region":"local"%s}""".formatted(tenantId, name,
                adminEmail == null ? "" : ",\"admin_email\":\"" + adminEmail + "\""));
    }

    private static String git(Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "protocol.file.allow=always"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    private static Path repository(UUID tenantId) {
        return gitRoot.resolve(GitNaming.repositoryName(tenantId) + ".git");
    }

    @Test
    void gitClonesTheNewTenantsRepositoryFromTheUrlTheApiShowsAndCannotPushToIt() throws Exception {
        UUID tenantId = UUID.randomUUID();
        String name = "Globex " + tenantId.toString().substring(0, 8);
        JsonNode operation = provision(tenantId, name, "admin@globex.example");
        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");

        String url = service.api().get("/api/v1/tenants/" + tenantId).body().get("git").get("repository_url").asText();
        assertThat(url).isEqualTo("file://" + repository(tenantId));
        Path work = Files.createTempDirectory("clone");
        git(work, "clone", url, "checkout");
        Path checkout = work.resolve("checkout");

        assertThat(git(checkout, "log", "--format=%an %s")).isEqualTo("tenant-onboarding " + InitialContent.MESSAGE + "\n");
        assertThat(Files.readString(checkout.resolve("README.md"))).contains("# " + name, tenantId.toString());
        assertThat(checkout.resolve("applications")).isDirectory();
        assertThat(checkout.resolve("applications/.gitkeep")).exists();
        assertThat(Files.readString(checkout.resolve("CODEOWNERS"))).contains("* admin@globex.example");
        assertThat(git(checkout, "branch", "--show-current").trim()).isEqualTo("main");

        Files.writeString(checkout.resolve("applications/app.yaml"), "replicas: 1\n");
        git(checkout, "add", ".");
        git(checkout, "-c", "user.name=dev", "-c", "user.email=dev@globex.example", "commit", "-qm", "an app");
        assertThat(new ProcessBuilder("git", "push", "origin", "main").directory(checkout.toFile())
                .redirectErrorStream(true).start().waitFor()).as("served read-only").isNotZero();
    }

    @Test
    void aLaterFailingStepRemovesTheRepository() {
        UUID tenantId = UUID.randomUUID();
        JsonNode operation = provision(tenantId, "Doomed " + tenantId.toString().substring(0, 8), null);

        assertThat(operation.get("status").asText()).isEqualTo("failed");
        assertThat(operation.get("compensated").asBoolean()).as(operation.toString()).isTrue();
        assertThat(operation.get("error").asText()).contains("activation refused by the test");
        assertThat(operation.toString()).contains("\"name\":\"create-tenant-git-repository\",\"status\":\"compensated\"");
        assertThat(repository(tenantId)).doesNotExist();
        assertThat(service.api().get("/api/v1/tenants/" + tenantId).body().has("git")).isFalse();
    }

    @Test
    void destroyMovesTheRepositoryToTheArchive() {
        UUID tenantId = UUID.randomUUID();
        String name = "Initech " + tenantId.toString().substring(0, 8);
        assertThat(provision(tenantId, name, null).get("status").asText()).isEqualTo("succeeded");
        assertThat(repository(tenantId).resolve("CODEOWNERS")).doesNotExist(); // bare: files are objects

        JsonNode accepted = service.api().delete("/api/v1/tenants/" + tenantId + "?confirm="
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")).body();
        JsonNode destroyed = service.awaitOperation(accepted.get("operation_id").asText());

        assertThat(destroyed.get("status").asText()).as(destroyed.toString()).isEqualTo("succeeded");
        Path archived = gitRoot.resolve("archive").resolve(repository(tenantId).getFileName());
        assertThat(repository(tenantId)).doesNotExist();
        assertThat(archived.resolve("HEAD")).exists();
        JsonNode git = service.api().get("/api/v1/tenants/" + tenantId).body().get("git");
        assertThat(git.get("repository_url").asText()).isEqualTo("file://" + archived);
        assertThat(git.has("archived_at")).isTrue();
    }

    @Test
    void aRepositoryOfThatNameThatIsNotTheTenantsIsAConflictAndLeftAlone() throws Exception {
        UUID tenantId = UUID.randomUUID();
        Path foreign = repository(tenantId);
        git(gitRoot, "init", "-q", "--bare", foreign.toString());

        JsonNode operation = provision(tenantId, "Umbrella " + tenantId.toString().substring(0, 8), null);

        assertThat(operation.get("status").asText()).isEqualTo("failed");
        assertThat(operation.get("error").asText()).contains("does not belong to tenant " + tenantId);
        assertThat(foreign.resolve("HEAD")).exists();
    }

    @Test
    void aRepositoryMadeForTheTenantBeforeACrashIsReused() throws Exception {
        Path root = Files.createTempDirectory("tenant-git-reuse");
        LocalGitHost host = new LocalGitHost(root, "git://git.example.com/");
        UUID tenantId = UUID.randomUUID();
        TenantRecord tenant = new TenantRecord(tenantId, "Acme", "free", "local", "basic", null, null, "provisioning",
                null, null, null, null, 5, "UTF8", List.of(), null, null, null, null, null, null, null, null, null, "default");
        Files.createDirectories(root.resolve(".partial-" + GitNaming.repositoryName(tenantId) + ".git/objects"));

        String first = host.create(tenant);
        String head = git(root.resolve(GitNaming.repositoryName(tenantId) + ".git"), "rev-parse", "main");
        String again = host.create(tenant);

        assertThat(first).isEqualTo(again).isEqualTo("git://git.example.com/" + GitNaming.repositoryName(tenantId) + ".git");
        assertThat(git(root.resolve(GitNaming.repositoryName(tenantId) + ".git"), "rev-parse", "main")).isEqualTo(head);
        assertThat(root.resolve(".partial-" + GitNaming.repositoryName(tenantId) + ".git")).doesNotExist();
    }
}
