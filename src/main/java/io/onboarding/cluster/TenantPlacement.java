package io.onboarding.cluster;


import io.onboarding.kit.Refusal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a new tenant goes, decided at admission inside the transaction that records it (so it is
 * journaled with the tenant and a crash cannot place it twice): the requested cluster if it may
 * take the tenant, else the {@link PlacementPolicy}'s choice among the open, available clusters of
 * the tenant's region. Placements on a cluster with a capacity are serialised by a control-plane
 * lock, so capacity holds across concurrent requests and instances; the balance between clusters
 * without one is as good as the counts each concurrent admission saw.
 */
public final class TenantPlacement {

    private final ClusterDirectory clusters;
    private final PlacementPolicy policy;
    private final ClusterHeadcount tenants;

    public TenantPlacement(ClusterDirectory clusters, PlacementPolicy policy, ClusterHeadcount tenants) {
        this.clusters = clusters;
        this.policy = policy;
        this.tenants = tenants;
    }

    /**
     * The requested cluster (may be null) or a choice in the region: the cluster's name; 409 naming {@code cluster} or {@code region} when it cannot be placed. Joins
     * the caller's transaction. Only a placement on a cluster with a capacity takes the placement lock
     * (and counts again under it): one on a cluster without a limit has nothing to race for, so
     * concurrent admissions are not serialised behind each other's transactions.
     */
    public String place(String cluster, String region) {
        String choice = choice(cluster, region, countsMatter(cluster, region) ? tenants.liveTenantsByCluster() : Map.of());
        if (capacityOf(choice) == null) {
            return choice;
        }
        tenants.lockPlacement();
        return choice(cluster, region, tenants.liveTenantsByCluster());
    }

    private String choice(String cluster, String region, Map<String, Long> live) {
        if (cluster != null) {
            ClusterSettings asked = clusters.find(cluster).orElseThrow(() ->
                    Refusal.validation("cluster", "is not a configured cluster"));
            String refusal = refusal(asked, live);
            if (refusal != null) {
                throw Refusal.conflict("cluster " + asked.name() + " " + refusal, "cluster");
            }
            return asked.name();
        }
        return choose(region, null, live).orElseThrow(() -> Refusal.conflict(
                "no open, available cluster with room serves region " + region, "region"));
    }

    /**
     * Whether the choice depends on how many tenants clusters hold: not when the one cluster that could
     * take the tenant has no capacity (a single cluster, the usual case), which spares every admission a
     * count over the whole fleet.
     */
    private boolean countsMatter(String asked, String region) {
        List<ClusterSettings> possible = clusters.all().stream().filter(cluster -> asked != null
                ? cluster.name().equals(asked) : cluster.serves(region)).toList();
        return possible.size() > 1 || possible.stream().anyMatch(cluster -> cluster.capacity() != null);
    }

    private Integer capacityOf(String cluster) {
        return clusters.find(cluster).map(ClusterSettings::capacity).orElse(null);
    }

    /** Where a tenant leaving its cluster goes: the policy's choice among the other open, available clusters of its region with room. */
    public Optional<String> elsewhere(String region, String current) {
        return choose(region, current, tenants.liveTenantsByCluster());
    }

    /** The policy's choice among the clusters serving the region that may take a tenant now, but {@code except} (may be null). */
    private Optional<String> choose(String region, String except, Map<String, Long> live) {
        List<PlacementPolicy.Candidate> candidates = clusters.all().stream()
                .filter(cluster -> !cluster.name().equals(except) && cluster.serves(region) && refusal(cluster, live) == null)
                .map(cluster -> new PlacementPolicy.Candidate(cluster.name(), cluster.capacity(),
                        live.getOrDefault(cluster.name(), 0L)))
                .toList();
        return policy.choose(region, candidates);
    }

    /** A move's target: 409 naming {@code cluster} unless it may take one more tenant now. */
    public void requireRoom(ClusterSettings cluster) {
        String refusal = refusal(cluster, tenants.liveTenantsByCluster());
        if (refusal != null) {
            throw Refusal.conflict("cluster " + cluster.name() + " " + refusal, "cluster");
        }
    }

    /** Why the cluster takes no new tenant now; null if it may. */
    private String refusal(ClusterSettings cluster, Map<String, Long> live) {
        if (cluster.state() != ClusterSettings.State.OPEN) {
            return "is " + cluster.state().apiName() + ": it takes no new tenants";
        }
        long tenantsThere = live.getOrDefault(cluster.name(), 0L);
        if (cluster.capacity() != null && tenantsThere >= cluster.capacity()) {
            return "is full (" + tenantsThere + " of " + cluster.capacity() + " tenants)";
        }
        if (!clusters.available(cluster.name())) {
            return "cannot be reached now";
        }
        return null;
    }
}
