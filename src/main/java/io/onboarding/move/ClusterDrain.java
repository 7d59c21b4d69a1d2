package io.onboarding.move;

import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.cluster.ClusterSettings;

import io.onboarding.kit.Refusal;
import io.onboarding.kit.Json;
import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.OperationView;
import io.onboarding.postgres.InstanceLock;
import io.onboarding.cluster.TenantPlacement;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties the clusters whose state is {@code draining}: each active tenant on one, one at a time, is
 * moved ({@link TenantMoves#launch}, the same checks and operation as {@code POST /move}) to the
 * placement policy's choice among the other open clusters of its region, and the next waits until
 * that move has ended. A tenant whose move failed gets a {@value #WARNING} warning and is skipped by
 * later runs (no loop on it); with no open cluster to go to, nothing is moved and a warning is logged.
 * One instance drains at a time ({@link #LOCK_KEY}).
 */
public final class ClusterDrain {

    /** The control-plane advisory-lock key of draining ("onbdrai"). */
    public static final long LOCK_KEY = 0x6f6e6264726169L;
    /** The tenant warning topic of a failed drain move. */
    public static final String WARNING = "drain";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDrain.class);
    private static final long POLL_MILLIS = 500;

    private final ClusterDirectory clusters;
    private final TenantRepository tenants;
    private final TenantPlacement placement;
    private final TenantMoves moves;
    private final OperationJournal journal;
    private final InstanceLock lock;

    public ClusterDrain(ClusterDirectory clusters, TenantRepository tenants, TenantPlacement placement,
                        TenantMoves moves, OperationJournal journal, InstanceLock lock) {
        this.clusters = clusters;
        this.tenants = tenants;
        this.placement = placement;
        this.moves = moves;
        this.journal = journal;
        this.lock = lock;
    }

    /** The timer's run: skipped (debug) while another instance drains. */
    public void scheduled() throws Exception {
        if (clusters.all().stream().noneMatch(ClusterDrain::draining)) {
            return;
        }
        if (lock.tryRun(this::drainAll).isEmpty()) {
            LOG.debug("Drain skipped: another instance holds the drain lock");
        }
    }

    private Boolean drainAll() throws InterruptedException {
        for (ClusterSettings cluster : clusters.all()) {
            if (draining(cluster)) {
                drain(cluster.name());
            }
        }
        return Boolean.TRUE;
    }

    private void drain(String cluster) throws InterruptedException {
        Set<UUID> skipped = tenants.activeWithWarning(WARNING).stream().map(TenantRecord::tenantId)
                .collect(Collectors.toSet());
        for (TenantRecord tenant : tenants.active()) {
            if (!cluster.equals(tenant.cluster()) || skipped.contains(tenant.tenantId())) {
                continue;
            }
            Optional<String> target = placement.elsewhere(tenant.region(), tenant.cluster());
            if (target.isEmpty()) {
                LOG.warn("Cluster {} is draining but no other open cluster with room serves region {}: tenant {}"
                        + " stays", cluster, tenant.region(), tenant.tenantId());
                continue;
            }
            UUID operationId;
            try {
                operationId = moves.launch(tenant.tenantId(), Json.MAPPER.valueToTree(Map.of("cluster", target.get())));
            } catch (Refusal e) {
                LOG.info("Drain of cluster {}: tenant {} not moved now: {}", cluster, tenant.tenantId(), e.getMessage());
                continue;
            }
            LOG.info("Drain of cluster {}: moving tenant {} to {} (operation {})", cluster, tenant.tenantId(),
                    target.get(), operationId);
            OperationView ended = awaitEnd(operationId);
            if (!"succeeded".equals(ended.status())) {
                String message = "moving it off draining cluster " + cluster + " to " + target.get() + " failed ("
                        + ended.error() + "); the drain skips it until the warning is cleared";
                LOG.warn("Drain of cluster {}: tenant {}: {}", cluster, tenant.tenantId(), message);
                tenants.setWarning(tenant.tenantId(), WARNING, message);
            }
        }
    }

    private OperationView awaitEnd(UUID operationId) throws InterruptedException {
        while (true) {
            OperationView view = journal.find(operationId).orElseThrow();
            if (!"running".equals(view.status())) {
                return view;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static boolean draining(ClusterSettings cluster) {
        return cluster.state() == ClusterSettings.State.DRAINING;
    }
}
