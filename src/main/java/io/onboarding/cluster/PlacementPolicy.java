package io.onboarding.cluster;

import java.util.List;
import java.util.Optional;

/**
 * Which cluster a new tenant goes to, among the candidates admission found for its region: each is
 * open, available and serves the region. Empty: none will do (the request is refused, 409).
 */
public interface PlacementPolicy {

    /** A cluster that could take the tenant: its capacity (null: no limit) and live tenants now. */
    record Candidate(String name, Integer capacity, long tenants) {

        /** Tenants it can still take; {@link Long#MAX_VALUE} minus its tenants without a limit. */
        public long headroom() {
            return (capacity == null ? Long.MAX_VALUE : capacity) - tenants;
        }
    }

    Optional<String> choose(String region, List<Candidate> candidates);
}
