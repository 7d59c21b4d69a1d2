package io.onboarding.tenant;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.support.Catalog;
import io.onboarding.tenant.schema.TenantDatabaseTemplates;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/** The warm pool as pg_catalog shows it, for the pool's tests. */
public final class PoolDatabases {

    private PoolDatabases() {
    }

    /** Ready pool databases cloned from a template of tenant-schema {@code version}, oldest first. */
    public static List<String> ready(Catalog catalog, String version) {
        return catalog.column("postgres", "SELECT datname FROM pg_database WHERE shobj_description(oid, 'pg_database')"
                + " LIKE ? || '%' ORDER BY oid", readyPattern(version));
    }

    /** Waits until at least {@code count} pool databases of tenant-schema {@code version} are ready; their names. */
    public static List<String> awaitReady(Catalog catalog, String version, int count) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> ready(catalog, version), ready -> ready.size() >= count);
    }

    /** The LIKE pattern (less its final %) of the marker of a ready pool database of that schema version. */
    private static String readyPattern(String version) {
        return PooledDatabase.readyMarker(TenantDatabaseTemplates.PREFIX + version + "_").replace("_", "\\_");
    }

    /** Every database and role of the pool, ready or not, a line each with its comment. */
    public static List<String> everything(Catalog catalog) {
        List<String> all = new java.util.ArrayList<>(catalog.column("postgres", "SELECT 'database ' || datname || ' '"
                + " || coalesce(shobj_description(oid, 'pg_database'), '-') FROM pg_database"
                + " WHERE datname LIKE 'onboarding\\_pool\\_%' ORDER BY 1"));
        all.addAll(catalog.column("postgres", "SELECT 'role ' || rolname || ' ' || coalesce(shobj_description(oid,"
                + " 'pg_authid'), '-') FROM pg_roles WHERE rolname LIKE 'onboarding\\_pool\\_%' ORDER BY 1"));
        return all;
    }

    /**
     * Holds the refill's lock on the cluster, as another instance refilling would: no pool database is made or
     * dropped until the connection is closed.
     */
    public static Connection holdRefill(PostgresCluster cluster) throws SQLException {
        Connection connection = cluster.connect("postgres");
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + TenantDatabasePoolRefill.LOCK_KEY + ")");
        }
        return connection;
    }

    public static String stepStatus(JsonNode operation, String step) {
        for (JsonNode candidate : operation.get("steps")) {
            if (candidate.get("name").asText().equals(step)) {
                return candidate.get("status").asText() + (candidate.path("reason").isTextual()
                        ? ": " + candidate.get("reason").asText() : "");
            }
        }
        throw new AssertionError("no step " + step + " in " + operation);
    }
}
