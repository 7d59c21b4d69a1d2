package io.onboarding.web;

import java.nio.charset.StandardCharsets;

/**
 * Who may read {@code /observe/metrics}, which lists every tenant id, database, plan and backup size:
 * <ul>
 * <li>{@code METRICS_TOKEN} set: that bearer token, and only it;</li>
 * <li>unset (the default): any valid API token, the bootstrap admin's or a scoped one (every scope
 * may read; give Prometheus a {@code reader} token, or set {@code METRICS_TOKEN});</li>
 * <li>{@code METRICS_TOKEN} set empty ({@code onboarding.metrics.open=true}): anyone, deliberately.</li>
 * </ul>
 */
public final class MetricsAccess {

    private final byte[] token;
    private final boolean open;

    private MetricsAccess(byte[] token, boolean open) {
        this.token = token;
        this.open = open;
    }

    /** From {@code onboarding.metrics.token} and {@code onboarding.metrics.open}; a token set wins over open. */
    public static MetricsAccess of(String metricsToken, boolean open) {
        boolean hasToken = metricsToken != null && !metricsToken.isBlank();
        return new MetricsAccess(hasToken ? metricsToken.getBytes(StandardCharsets.UTF_8) : null, open && !hasToken);
    }

    /** Whether a request with this Authorization header may read the metrics. */
    boolean admits(String authorization, BearerTokenGuard apiGuard) {
        if (open) {
            return true;
        }
        return token != null ? BearerTokenGuard.matches(authorization, token) : apiGuard.refusal(authorization) == null;
    }

    String refusal() {
        return token != null ? "/observe/metrics needs the metrics bearer token (METRICS_TOKEN)"
                : "/observe/metrics needs a bearer token: an API token, or METRICS_TOKEN once it is set";
    }
}
