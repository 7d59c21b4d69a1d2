package io.onboarding.cluster;

import io.onboarding.postgres.PostgresCluster;
import io.onboarding.secrets.SecretStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;

/**
 * The clusters tenants are placed on ({@code CLUSTERS_FILE}, else the PG* cluster as {@value
 * ClusterDirectory#DEFAULT}), how a new tenant's cluster is chosen, and {@code GET /api/v1/clusters}.
 */
public class ClusterConfiguration implements CamelConfiguration {

    /**
     * Read in full before anything is used: a bad file stops start-up naming the entry. The PG*
     * cluster keeps the name {@value ClusterDirectory#DEFAULT} (the control plane's, and tenants
     * placed before the file): with a file that does not name it, it is closed to new tenants.
     */
    @BindToRegistry("clusterDirectory")
    public ClusterDirectory clusterDirectory(PostgresCluster postgresCluster, SecretStore secrets,
            @PropertyInject(value = "onboarding.clusters-file", defaultValue = "") String clustersFile,
            @PropertyInject(value = "onboarding.clusters.recheck-seconds", defaultValue = "15") int recheckSeconds,
            @PropertyInject("onboarding.platform-db") String platformDb,
            @PropertyInject("onboarding.regions") String regions,
            @PropertyInject("onboarding.tenant-database.public-host") String publicHost,
            @PropertyInject("onboarding.tenant-database.public-port") String publicPort) {
        List<ClusterSettings> clusters = new ArrayList<>();
        if (clustersFile != null && !clustersFile.isBlank()) {
            Path file = Path.of(clustersFile.trim());
            clusters.addAll(ClustersFile.read(file, path -> secrets.get(SecretStore.checkPath(path))
                    .map(secret -> secret.get("password")).orElseThrow(() -> new IllegalArgumentException(
                            "password_secret " + path + " holds no password in the secret store"))));
            List<String> configured = Arrays.stream(regions.split(",")).map(String::trim).toList();
            for (ClusterSettings cluster : clusters) {
                if (!configured.contains(cluster.region())) {
                    throw new IllegalStateException("CLUSTERS_FILE " + file + ": cluster " + cluster.name() + ": region "
                            + cluster.region() + " is not one of the configured regions (onboarding.regions: "
                            + String.join(", ", configured) + ")");
                }
            }
        }
        boolean fileNamesDefault = clusters.stream().anyMatch(cluster -> ClusterDirectory.DEFAULT.equals(cluster.name()));
        if (!fileNamesDefault) {
            clusters.add(0, new ClusterSettings(ClusterDirectory.DEFAULT, ClusterDirectory.ANY_REGION, postgresCluster,
                    null, clusters.isEmpty() ? ClusterSettings.State.OPEN : ClusterSettings.State.CLOSED));
        }
        Map<String, ClusterDirectory.Endpoint> endpoints = new HashMap<>();
        if ((publicHost != null && !publicHost.isBlank()) || (publicPort != null && !publicPort.isBlank())) {
            // The public address configured for tenants' clients is the PG* cluster's.
            PostgresCluster pg = postgresCluster;
            endpoints.put(ClusterDirectory.DEFAULT, new ClusterDirectory.Endpoint(
                    publicHost == null || publicHost.isBlank() ? pg.host() : publicHost.trim(),
                    publicPort == null || publicPort.isBlank() ? pg.port() : Integer.parseInt(publicPort.trim()),
                    pg.tls().effectiveMode()));
        }
        return new ClusterDirectory(clusters, endpoints, platformDb, recheckSeconds * 1000L).probeAll();
    }

    @BindToRegistry("placementPolicy")
    public PlacementPolicy placementPolicy() {
        return new MostHeadroom();
    }

    @BindToRegistry("tenantPlacement")
    public TenantPlacement tenantPlacement(ClusterDirectory clusters, PlacementPolicy policy, ClusterHeadcount tenants) {
        return new TenantPlacement(clusters, policy, tenants);
    }
}
