package io.onboarding.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.Json;
import io.onboarding.operation.StepOutcome;
import io.onboarding.secrets.SecretStore;
import io.onboarding.secrets.SecretStoreUnavailable;
import io.onboarding.tenant.TenantRepository;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The identity providers a tenant's people sign in with: GitHub, Microsoft Entra ID and any OIDC
 * issuer. The whole configuration (client secrets included) lives in the secret store at
 * {@code tenant-auth/{tenant_id}}; the control plane keeps only which providers are enabled. Set
 * with the PUT, or in the create request ({@code auth_providers}): kept in the store at admission,
 * enabled by the provisioning step {@code configure-auth-providers}, deleted by its undo.
 */
public final class AuthProviderSettings {

    public static final String REDACTED = "********";

    private static final List<String> ORDER = AuthProviderValidation.ORDER;

    private final TenantRepository tenants;
    private final SecretStore secrets;

    public AuthProviderSettings(TenantRepository tenants, SecretStore secrets) {
        this.tenants = tenants;
        this.secrets = secrets;
    }

    /** Replaces the tenant's providers; returns the enabled names. */
    public Map<String, Object> replace(UUID tenantId, JsonNode body) {
        requireTenant(tenantId);
        ObjectNode config = AuthProviderValidation.validate(body);
        store(tenantId, config);
        tenants.authProvidersChanged(tenantId, enabledIn(config));
        return summary(tenantId);
    }

    /**
     * A create request's auth_providers, at admission (inside its transaction: a store failure refuses
     * the request with 503): straight into the secret store, never the control plane; not enabled yet.
     */
    public void stage(UUID tenantId, ObjectNode config) {
        store(tenantId, config);
    }

    /** Step {@code configure-auth-providers}: the providers kept at admission enabled; skipped without. */
    public StepOutcome enable(UUID tenantId) {
        Optional<String> stored = secrets.get(path(tenantId)).map(secret -> secret.get("config"));
        if (stored.isEmpty()) {
            return StepOutcome.skipped("no auth_providers in the request");
        }
        tenants.authProvidersChanged(tenantId, enabledIn(Json.parse(stored.get())));
        return StepOutcome.done();
    }

    /** A failed onboarding: whatever was kept at admission goes, had the step that enables it not run. */
    public void discardStaged(UUID tenantId) {
        delete(tenantId);
    }

    /** Destroy, and the undo of configure-auth-providers: the configuration (every version) deleted. */
    public void delete(UUID tenantId) {
        secrets.delete(path(tenantId));
        tenants.authProvidersChanged(tenantId, List.of());
    }

    /** The configuration with every secret redacted. */
    public Map<String, Object> read(UUID tenantId) {
        requireTenant(tenantId);
        Map<String, Object> result = new LinkedHashMap<>();
        String stored;
        try {
            stored = secrets.get(path(tenantId)).map(secret -> secret.get("config")).orElse(null);
        } catch (SecretStoreUnavailable e) {
            throw Refusal.secretStoreUnavailable();
        }
        if (stored != null) {
            JsonNode config = Json.parse(stored);
            for (String provider : ORDER) {
                if (config.has(provider)) {
                    ObjectNode copy = (ObjectNode) config.get(provider).deepCopy();
                    if (copy.has("client_secret")) {
                        copy.put("client_secret", REDACTED);
                    }
                    result.put(provider, copy);
                }
            }
        }
        result.putAll(summary(tenantId));
        return result;
    }

    private Map<String, Object> summary(UUID tenantId) {
        TenantRepository.AuthProviders providers = tenants.authProviders(tenantId);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("enabled", providers.enabled());
        summary.put("updated_at", providers.updatedAt());
        return summary;
    }

    private void store(UUID tenantId, ObjectNode config) {
        try {
            secrets.put(path(tenantId), Map.of("config", Json.write(config)));
        } catch (SecretStoreUnavailable e) {
            throw Refusal.secretStoreUnavailable();
        }
    }

    private static List<String> enabledIn(JsonNode config) {
        return ORDER.stream().filter(config::has).toList();
    }

    private void requireTenant(UUID tenantId) {
        tenants.require(tenantId);
    }

    /** Where the tenant's provider settings are kept in the secret store. */
    public static String path(UUID tenantId) {
        return "tenant-auth/" + tenantId;
    }
}
