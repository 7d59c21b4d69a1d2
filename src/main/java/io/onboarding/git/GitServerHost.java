package io.onboarding.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.kit.Json;
import io.onboarding.secrets.SecretStore;
import io.onboarding.tenant.TenantConflictException;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRecord;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Repositories on a Gitea (or compatible) server in one organisation, through its REST API: created
 * private, marked as the tenant's by their description (the owner marker), filled with the initial
 * commit through the contents API, and given a read-only deploy key whose private half is kept at
 * {@code tenant-git/{tenant_id}}. Archiving first removes that deploy key, then sets {@code archived}.
 */
final class GitServerHost implements GitHost {

    private final GitServerClient client;
    private final SecretStore secrets;
    private final String org;
    private final String serverUrl;

    GitServerHost(GitServerClient client, SecretStore secrets, String serverUrl, String org) {
        if (org == null || !org.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("GIT_SERVER_ORG (onboarding.git.server-org) must be set to an"
                    + " organisation name when GIT_SERVER_URL is set");
        }
        this.client = client;
        this.secrets = secrets;
        this.org = org;
        this.serverUrl = serverUrl.replaceAll("/+$", "");
    }

    @Override
    public String kind() {
        return "server";
    }

    @Override
    public String create(TenantRecord tenant) {
        UUID tenantId = tenant.tenantId();
        String name = GitNaming.repositoryName(tenantId);
        ObjectNode request = Json.MAPPER.createObjectNode().put("name", name)
                .put("description", TenantNaming.ownerMarker(tenantId)).put("private", true)
                .put("auto_init", false).put("default_branch", LocalGitHost.BRANCH);
        GitServerClient.Reply created = client.call("POST", "/api/v1/orgs/" + org + "/repos", request);
        JsonNode repository;
        if (created.ok()) {
            repository = created.body();
        } else if (created.status() == 409) {
            repository = find(tenantId).orElseThrow(() -> GitServerClient.failure("creating " + name, created));
            if (!isOurs(repository, tenantId)) {
                throw new TenantConflictException("Git repository " + org + "/" + name
                        + " already exists and does not belong to tenant " + tenantId);
            }
        } else {
            throw GitServerClient.failure("creating " + org + "/" + name, created);
        }
        if (created.ok() || repository.path("empty").asBoolean(false)) {
            initialCommit(tenant);
        }
        if (secrets.get(GitNaming.secretPath(tenantId)).isEmpty()) {
            addDeployKey(tenantId, repository);
        }
        return repository.path("clone_url").asText(serverUrl + "/" + org + "/" + name + ".git");
    }

    @Override
    public void remove(UUID tenantId) {
        Optional<JsonNode> repository = find(tenantId);
        if (repository.isPresent() && isOurs(repository.get(), tenantId)) {
            GitServerClient.Reply deleted = client.call("DELETE", path(tenantId), null);
            if (!deleted.ok() && deleted.status() != 404) {
                throw GitServerClient.failure("deleting " + GitNaming.repositoryName(tenantId), deleted);
            }
        }
    }

    /** Listing an organisation's repositories is not done: reconciliation does not check a Git server. */
    @Override
    public Optional<java.util.Map<UUID, String>> owned() {
        return Optional.empty();
    }

    @Override
    public Optional<String> archive(UUID tenantId) {
        Optional<JsonNode> repository = find(tenantId);
        if (repository.isEmpty() || !isOurs(repository.get(), tenantId)) {
            return Optional.empty();
        }
        secrets.get(GitNaming.secretPath(tenantId)).map(secret -> secret.get("key_id"))
                .filter(keyId -> keyId != null && !keyId.isEmpty()).ifPresent(keyId -> {
            GitServerClient.Reply deleted = client.call("DELETE", path(tenantId) + "/keys/" + Long.parseLong(keyId), null);
            if (!deleted.ok() && deleted.status() != 404) {
                throw GitServerClient.failure("removing the deploy key", deleted);
            }
        });
        GitServerClient.Reply archived = client.call("PATCH", path(tenantId),
                Json.MAPPER.createObjectNode().put("archived", true));
        if (!archived.ok()) {
            throw GitServerClient.failure("archiving " + GitNaming.repositoryName(tenantId), archived);
        }
        return Optional.of(repository.get().path("clone_url").asText());
    }

    private void initialCommit(TenantRecord tenant) {
        ObjectNode request = Json.MAPPER.createObjectNode().put("message", InitialContent.MESSAGE);
        ArrayNode files = request.putArray("files");
        InitialContent.files(tenant).forEach((path, content) -> files.addObject().put("operation", "create")
                .put("path", path).put("content", Base64.getEncoder().encodeToString(content)));
        GitServerClient.Reply reply = client.call("POST", path(tenant.tenantId()) + "/contents", request);
        if (!reply.ok()) {
            throw GitServerClient.failure("the initial commit", reply);
        }
    }

    /** Registered, then stored: a crash between the two leaves an unused key on a repository we own. */
    private void addDeployKey(UUID tenantId, JsonNode repository) {
        DeployKey key = DeployKey.generate("tenant-onboarding " + GitNaming.repositoryName(tenantId));
        GitServerClient.Reply added = client.call("POST", path(tenantId) + "/keys", Json.MAPPER.createObjectNode()
                .put("title", "tenant-onboarding read-only").put("key", key.publicKey()).put("read_only", true));
        if (!added.ok()) {
            throw GitServerClient.failure("adding the deploy key", added);
        }
        secrets.put(GitNaming.secretPath(tenantId), Map.of(
                "kind", "deploy-key",
                "repository", org + "/" + GitNaming.repositoryName(tenantId),
                "ssh_url", repository.path("ssh_url").asText(""),
                "key_id", added.body().path("id").asText(""),
                "public_key", key.publicKey(),
                "private_key", key.privateKey(),
                "read_only", "true"));
    }

    private Optional<JsonNode> find(UUID tenantId) {
        GitServerClient.Reply reply = client.call("GET", path(tenantId), null);
        if (reply.status() == 404) {
            return Optional.empty();
        }
        if (!reply.ok()) {
            throw GitServerClient.failure("reading " + GitNaming.repositoryName(tenantId), reply);
        }
        return Optional.of(reply.body());
    }

    private static boolean isOurs(JsonNode repository, UUID tenantId) {
        return TenantNaming.ownerMarker(tenantId).equals(repository.path("description").asText());
    }

    private String path(UUID tenantId) {
        return "/api/v1/repos/" + org + "/" + GitNaming.repositoryName(tenantId);
    }
}
