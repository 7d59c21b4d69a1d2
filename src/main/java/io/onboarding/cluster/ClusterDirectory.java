package io.onboarding.cluster;

import io.onboarding.postgres.ClusterLockdown;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.kit.Failures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL clusters tenants live on, by name: the {@code CLUSTERS_FILE}'s, or the one
 * {@value #DEFAULT} cluster of PG* (embedded when unset). Every per-tenant step asks it for the
 * cluster the tenant row names. A cluster that cannot be reached is {@code available: false} and
 * gets no new tenants; it is tried again (at most every {@code recheck}) when it is next asked about,
 * and its lock-down ({@link ClusterLockdown}) is applied the first time it answers.
 */
public final class ClusterDirectory {

    /** The PG* cluster's name, and the one cluster without a clusters file. */
    public static final String DEFAULT = "default";
    /** The region of a cluster that serves every region (the PG* cluster without a file). */
    public static final String ANY_REGION = "any";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDirectory.class);

    /** Where tenants' clients connect to a cluster, and with which TLS mode (libpq's names). */
    public record Endpoint(String host, int port, String sslMode) {
    }

    /** What {@code GET /api/v1/clusters} shows of one cluster's own figures (null while unavailable). */
    public record Usage(long connections, long databaseSizeBytes) {
    }

    private final Map<String, Member> members = new LinkedHashMap<>();
    private final String platformDatabase;
    private final long recheckMillis;

    /** {@code platformDatabase}: the control plane's database name, closed to PUBLIC where it exists. */
    public ClusterDirectory(List<ClusterSettings> clusters, Map<String, Endpoint> publicEndpoints,
                            String platformDatabase, long recheckMillis) {
        this.platformDatabase = platformDatabase;
        this.recheckMillis = recheckMillis;
        for (ClusterSettings cluster : clusters) {
            members.put(cluster.name(), new Member(cluster, publicEndpoints.get(cluster.name())));
        }
    }

    /** Tries every cluster once (start-up): an unreachable one is logged and left unavailable. */
    public ClusterDirectory probeAll() {
        members.values().forEach(member -> member.reachable(0));
        return this;
    }

    /**
     * Start-up: every cluster that tenants live on is configured. A clusters file that leaves one out
     * stops the start naming it and how many tenants it holds, rather than a service whose every
     * request about those tenants (and every metrics tick) would fail.
     */
    public void requireConfigured(Map<String, Long> liveTenantsByCluster) {
        List<String> missing = liveTenantsByCluster.entrySet().stream()
                .filter(entry -> !members.containsKey(entry.getKey()))
                .map(entry -> "cluster " + entry.getKey() + " holds " + entry.getValue() + " tenant(s)")
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("CLUSTERS_FILE does not name every cluster tenants live on: "
                    + String.join("; ", missing) + " (configured: " + String.join(", ", members.keySet())
                    + "). Put the cluster back in the file (state: closed keeps new tenants off it), or move its"
                    + " tenants first (docs/clusters.md)");
        }
    }

    /** The one cluster when there is no clusters file (every tenant's, no look-up needed). */
    public boolean single() {
        return members.size() == 1;
    }

    public Collection<ClusterSettings> all() {
        return members.values().stream().map(member -> member.settings).toList();
    }

    public Optional<ClusterSettings> find(String name) {
        return Optional.ofNullable(members.get(name)).map(member -> member.settings);
    }

    /** The cluster of this name, to connect to; a tenant row naming an unknown cluster is a configuration error. */
    public PostgresCluster connection(String name) {
        return member(name).settings.connection();
    }

    public Endpoint endpoint(String name) {
        return member(name).endpoint;
    }

    /** Reachable now (tried again if it was not, at most every recheck interval). */
    public boolean available(String name) {
        return member(name).reachable(recheckMillis);
    }

    /** Connections open on the cluster and the size of its tenant databases; empty if it cannot be asked. */
    public Optional<Usage> usage(String name) {
        Member member = member(name);
        if (!member.reachable(recheckMillis)) {
            return Optional.empty();
        }
        try (Connection connection = member.settings.connection().connect(PostgresCluster.MAINTENANCE_DATABASE);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT (SELECT count(*) FROM pg_stat_activity"
                     + " WHERE backend_type = 'client backend'), (SELECT coalesce(sum(pg_database_size(oid)), 0)"
                     + " FROM pg_database WHERE datname LIKE 'tenant\\_%')")) {
            rs.next();
            return Optional.of(new Usage(rs.getLong(1), rs.getLong(2)));
        } catch (SQLException e) {
            LOG.warn("Cluster {} is unavailable, it gets no new tenants: {}", name, Failures.innermost(e));
            member.lost();
            return Optional.empty();
        }
    }

    private Member member(String name) {
        Member member = members.get(name);
        if (member == null) {
            throw new IllegalStateException("cluster " + name + " is not configured (CLUSTERS_FILE names "
                    + String.join(", ", members.keySet()) + ")");
        }
        return member;
    }

    private final class Member {
        private final ClusterSettings settings;
        private final Endpoint endpoint;
        private volatile boolean reachable;
        private long lastAttempt;

        Member(ClusterSettings settings, Endpoint publicEndpoint) {
            this.settings = settings;
            PostgresCluster connection = settings.connection();
            this.endpoint = publicEndpoint != null ? publicEndpoint
                    : new Endpoint(connection.host(), connection.port(), connection.tls().effectiveMode());
        }

        /** Failed to answer: unavailable until it answers again (and its lock-down is applied again). */
        synchronized void lost() {
            reachable = false;
            lastAttempt = System.currentTimeMillis();
        }

        synchronized boolean reachable(long recheck) {
            if (reachable) {
                return true;
            }
            long now = System.currentTimeMillis();
            if (lastAttempt != 0 && now - lastAttempt < recheck) {
                return false;
            }
            lastAttempt = now;
            try {
                ClusterLockdown.apply(settings.connection(), PostgresCluster.MAINTENANCE_DATABASE, platformDatabase);
                reachable = true;
                LOG.info("Cluster {} ({}, region {}) reachable and locked down", settings.name(),
                        settings.connection(), settings.region());
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Cluster {} ({}) is unavailable, it gets no new tenants: {}", settings.name(),
                        settings.connection(), Failures.innermost(e));
            }
            return reachable;
        }
    }
}
