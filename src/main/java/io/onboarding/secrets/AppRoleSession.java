package io.onboarding.secrets;

import io.onboarding.kit.Failures;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpEntity;
import org.springframework.vault.authentication.ClientAuthentication;
import org.springframework.vault.authentication.LoginToken;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.client.VaultHttpHeaders;
import org.springframework.vault.support.VaultResponse;
import org.springframework.vault.support.VaultToken;
import org.springframework.web.client.RestOperations;

/**
 * The Vault token of an AppRole login, kept valid: renewed ({@code auth/token/renew-self}) once
 * {@code renewalFraction} of its TTL has passed, and replaced by a new login when renewal fails, when
 * the token is not renewable, or when Vault renewed it for less than the login gave (its max TTL is
 * near). Spring Vault's LifecycleAwareSessionManager renews, but lets a non-renewable token expire.
 */
final class AppRoleSession implements SessionManager, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AppRoleSession.class);
    private static final Duration LOGIN_RETRY = Duration.ofSeconds(5);

    private final ClientAuthentication login;
    private final RestOperations vault;
    private final double renewalFraction;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "vault-token-renewal");
        thread.setDaemon(true);
        return thread;
    });
    private LoginToken token;
    private Duration loginTtl = Duration.ZERO;
    private boolean loginNext;
    private ScheduledFuture<?> next;

    AppRoleSession(ClientAuthentication login, RestOperations vault, double renewalFraction) {
        this.login = login;
        this.vault = vault;
        this.renewalFraction = renewalFraction;
    }

    @Override
    public synchronized VaultToken getSessionToken() {
        if (token == null) {
            login();
        }
        return token;
    }

    private void login() {
        VaultToken issued = login.login();
        token = issued instanceof LoginToken loginToken ? loginToken : LoginToken.of(issued.toCharArray());
        loginTtl = token.getLeaseDuration();
        loginNext = !token.isRenewable();
        LOG.info("Logged in to Vault with AppRole: token TTL {} s, {}", loginTtl.toSeconds(),
                token.isRenewable() ? "renewable" : "not renewable (a new login before it expires)");
        schedule(loginTtl);
    }

    /** The next renewal (or login) once the fraction of {@code ttl} has passed; none for a token without TTL. */
    private void schedule(Duration ttl) {
        if (ttl.isZero() || ttl.isNegative()) {
            return;
        }
        next = timer.schedule(this::refresh, Math.max(1, (long) (ttl.toMillis() * renewalFraction)), TimeUnit.MILLISECONDS);
    }

    synchronized void refresh() {
        if (token != null && !loginNext) {
            try {
                renew();
                return;
            } catch (RuntimeException e) {
                LOG.warn("Vault refused to renew the AppRole token ({}); logging in again", Failures.innermost(e));
            }
        }
        token = null;
        try {
            login();
        } catch (RuntimeException e) {
            LOG.warn("Vault AppRole login failed ({}); trying again in {} s", Failures.innermost(e), LOGIN_RETRY.toSeconds());
            next = timer.schedule(this::refresh, LOGIN_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void renew() {
        VaultResponse response = vault.postForObject("auth/token/renew-self",
                new HttpEntity<>(VaultHttpHeaders.from(token)), VaultResponse.class);
        Map<String, Object> auth = response == null ? null : response.getAuth();
        if (auth == null) {
            throw new IllegalStateException("auth/token/renew-self answered without auth");
        }
        Duration ttl = Duration.ofSeconds(((Number) auth.getOrDefault("lease_duration", 0)).longValue());
        boolean renewable = Boolean.TRUE.equals(auth.get("renewable"));
        token = LoginToken.builder().token(token.toCharArray()).leaseDuration(ttl).renewable(renewable).build();
        // Renewed for less than a login gives: the token's max TTL is near, so the next refresh logs in anew.
        loginNext = !renewable || ttl.compareTo(loginTtl) < 0;
        LOG.debug("Vault token renewed: TTL {} s", ttl.toSeconds());
        schedule(ttl);
    }

    @Override
    public synchronized void close() {
        if (next != null) {
            next.cancel(false);
        }
        timer.shutdownNow();
    }
}
