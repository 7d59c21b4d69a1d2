package io.onboarding.observe;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of one thing the service depends on (control-plane database, JMS broker, secret store),
 * reported on {@code /observe/health}: DOWN while the probe fails.
 */
public final class DependencyHealthCheck extends AbstractHealthCheck {

    /** A probe that throws when the dependency cannot be used. */
    @FunctionalInterface
    public interface Probe {
        void check() throws Exception;
    }

    private final Probe probe;

    public DependencyHealthCheck(String name, Probe probe) {
        super("onboarding", name);
        this.probe = probe;
    }

    @Override
    public boolean isLiveness() {
        return false; // a dependency that is down makes us unready, not dead
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            probe.check();
            builder.up();
        } catch (Exception e) {
            builder.down().message(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }
}
