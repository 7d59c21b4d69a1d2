package io.onboarding.cluster;

import java.util.Map;

/**
 * How many live tenants each cluster holds, and the control-plane lock under which counting and
 * adding one is atomic: what placement needs of the tenants, kept by the tenant feature.
 */
public interface ClusterHeadcount {

    /** Live tenants by cluster name (clusters without any are absent). */
    Map<String, Long> liveTenantsByCluster();

    /** Serialises placements across instances until the caller's transaction ends. */
    void lockPlacement();
}
