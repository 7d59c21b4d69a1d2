package io.onboarding.cluster;

import io.onboarding.postgres.PostgresCluster;
import java.util.Locale;

/**
 * One PostgreSQL cluster tenants may be placed on, as the clusters file (or PG*) names it.
 * {@code region} is the region whose tenants it serves ({@value ClusterDirectory#ANY_REGION}: every
 * region); {@code capacity} is in tenants, null for no limit.
 */
public record ClusterSettings(String name, String region, PostgresCluster connection, Integer capacity, State state) {

    /** open: gets new tenants; draining: keeps its tenants, gets no new ones; closed: the same, and no moves onto it. */
    public enum State {
        OPEN, DRAINING, CLOSED;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean serves(String tenantRegion) {
        return ClusterDirectory.ANY_REGION.equals(region) || region.equals(tenantRegion);
    }
}
