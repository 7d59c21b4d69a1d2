package io.onboarding.identity;

import io.onboarding.secrets.SecretStore;
import io.onboarding.tenant.TenantRepository;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

/** A tenant's identity providers (GitHub, Entra ID, OIDC), their secrets kept in the secret store. */
public class IdentityConfiguration implements CamelConfiguration {

    @BindToRegistry("authProviderSettings")
    public AuthProviderSettings authProviderSettings(TenantRepository tenants, SecretStore secrets) {
        return new AuthProviderSettings(tenants, secrets);
    }

    @BindToRegistry("authProviderApi")
    public AuthProviderApi authProviderApi(AuthProviderSettings settings) {
        return new AuthProviderApi(settings);
    }
}
