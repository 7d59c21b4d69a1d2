package io.onboarding.move;

import io.onboarding.cluster.ClusterDirectory;

import io.onboarding.move.TenantMoves;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.HttpReplies;
import io.onboarding.kit.Json;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/clusters}: each cluster's settings, its tenants (control plane) and its own
 * figures; {@code POST /api/v1/tenants/{id}/move}.
 */
public final class ClusterApi {

    /** connections and database_size_bytes are null while the cluster cannot be reached; capacity null: no limit. */
    record ClusterView(String name, String region, String state, @JsonInclude(JsonInclude.Include.ALWAYS) Integer capacity,
                       long tenants, @JsonInclude(JsonInclude.Include.ALWAYS) Long connections,
                       @JsonInclude(JsonInclude.Include.ALWAYS) Long databaseSizeBytes, boolean available) {
    }

    record ClusterList(List<ClusterView> items) {
    }

    private final ClusterDirectory clusters;
    private final Supplier<Map<String, Long>> tenantsByCluster;
    private final TenantMoves moves;

    public ClusterApi(ClusterDirectory clusters, Supplier<Map<String, Long>> tenantsByCluster, TenantMoves moves) {
        this.clusters = clusters;
        this.tenantsByCluster = tenantsByCluster;
        this.moves = moves;
    }

    /** {@code POST /api/v1/tenants/{id}/move} {@code {"cluster"}}: 202 with the move operation. */
    public void move(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        HttpReplies.operationStarted(exchange, tenantId, moves.launch(tenantId,
                Json.parse(exchange.getMessage().getBody(String.class))), "move");
    }

    public void list(Exchange exchange) {
        Map<String, Long> tenants = tenantsByCluster.get();
        List<ClusterView> items = clusters.all().stream().map(cluster -> {
            var usage = clusters.usage(cluster.name());
            return new ClusterView(cluster.name(), cluster.region(), cluster.state().apiName(), cluster.capacity(),
                    tenants.getOrDefault(cluster.name(), 0L), usage.map(ClusterDirectory.Usage::connections).orElse(null),
                    usage.map(ClusterDirectory.Usage::databaseSizeBytes).orElse(null), usage.isPresent());
        }).toList();
        HttpReplies.json(exchange, 200, new ClusterList(items));
    }
}
