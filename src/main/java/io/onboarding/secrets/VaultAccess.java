package io.onboarding.secrets;

import java.net.URI;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.springframework.core.io.FileSystemResource;
import org.springframework.vault.authentication.AppRoleAuthentication;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.authentication.SimpleSessionManager;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.client.ClientHttpRequestFactoryFactory;
import org.springframework.vault.client.RestTemplateBuilder;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.client.VaultHttpHeaders;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.support.ClientOptions;
import org.springframework.vault.support.SslConfiguration;

/**
 * How the service reaches Vault (VAULT_ADDR): which CA it trusts for HTTPS (VAULT_CACERT, else the
 * JVM's trust store), the namespace sent on every request (VAULT_NAMESPACE, as X-Vault-Namespace), and
 * how it authenticates: a fixed VAULT_TOKEN, or an AppRole login (VAULT_ROLE_ID, VAULT_SECRET_ID) whose
 * token {@link AppRoleSession} keeps valid.
 */
public record VaultAccess(String address, String token, String roleId, String secretId, String namespace,
                          String caCert, double renewalFraction, Duration connectTimeout, Duration readTimeout) {

    public VaultAccess {
        address = blankToEmpty(address);
        token = blankToEmpty(token);
        roleId = blankToEmpty(roleId);
        secretId = blankToEmpty(secretId);
        namespace = blankToEmpty(namespace);
        caCert = blankToEmpty(caCert);
        if (token.isEmpty() && roleId.isEmpty()) {
            throw new IllegalStateException("Vault at VAULT_ADDR needs VAULT_TOKEN (or VAULT_TOKEN_FILE), or an"
                    + " AppRole: VAULT_ROLE_ID with VAULT_SECRET_ID (or VAULT_SECRET_ID_FILE)");
        }
        if (!caCert.isEmpty() && !Files.isReadable(Path.of(caCert))) {
            throw new IllegalStateException("VAULT_CACERT names " + caCert + ", which cannot be read");
        }
        if (!(renewalFraction > 0 && renewalFraction < 1)) {
            throw new IllegalStateException("onboarding.vault.renewal-fraction must be between 0 and 1");
        }
    }

    /** A fixed token, nothing else: Vault over plain HTTP or the JVM's trust store. */
    public static VaultAccess withToken(String address, String token) {
        return new VaultAccess(address, token, "", "", "", "", 0.66, Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    public boolean appRole() {
        return token.isEmpty();
    }

    /** How start-up failures name the credentials in use. */
    public String credentials() {
        return appRole() ? "the AppRole login of VAULT_ROLE_ID" : "VAULT_TOKEN";
    }

    /** The client, and with AppRole the session to close when the service stops. */
    public record Client(VaultTemplate template, Optional<AutoCloseable> session) {
    }

    public Client connect() {
        SslConfiguration tls = caCert.isEmpty() ? SslConfiguration.unconfigured()
                : SslConfiguration.forTrustStore(SslConfiguration.KeyStoreConfiguration
                        .of(new FileSystemResource(caCert)).withStoreType(SslConfiguration.PEM_KEYSTORE_TYPE));
        RestTemplateBuilder http = RestTemplateBuilder.builder()
                .endpoint(VaultEndpoint.from(URI.create(address)))
                // Time-outs (onboarding.vault.connect-timeout-ms, read-timeout-ms): a Vault that accepts a connection
                // and never answers must not hold the calling thread (an operation worker) for ever; a time-out
                // is a connection error to the vault routes, retried and then failed (docs/faults.md).
                .requestFactory(ClientHttpRequestFactoryFactory.create(new ClientOptions(connectTimeout, readTimeout), tls));
        if (!namespace.isEmpty()) {
            http.defaultHeader(VaultHttpHeaders.VAULT_NAMESPACE, namespace);
        }
        if (!appRole()) {
            SessionManager session = new SimpleSessionManager(new TokenAuthentication(token));
            return new Client(new VaultTemplate(http, session), Optional.empty());
        }
        AppRoleAuthenticationOptions.AppRoleAuthenticationOptionsBuilder options = AppRoleAuthenticationOptions.builder()
                .roleId(AppRoleAuthenticationOptions.RoleId.provided(roleId));
        if (!secretId.isEmpty()) {
            options.secretId(AppRoleAuthenticationOptions.SecretId.provided(secretId));
        }
        AppRoleSession session = new AppRoleSession(new AppRoleAuthentication(options.build(), http.build()),
                http.build(), renewalFraction);
        return new Client(new VaultTemplate(http, session), Optional.of(session));
    }

    private static String blankToEmpty(String value) {
        return value == null ? "" : value.trim();
    }

    /** Never the token or the secret id. */
    @Override
    public String toString() {
        return "VaultAccess[" + address + (namespace.isEmpty() ? "" : ", namespace " + namespace)
                + (appRole() ? ", AppRole " + roleId : ", token") + (caCert.isEmpty() ? "" : ", CA " + caCert) + "]";
    }
}
