package io.onboarding.cluster;

import io.onboarding.move.ClusterDrain;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.support.Catalog;
import io.onboarding.support.LogCapture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenants placed on open clusters, then the service restarted with {@code dr-a} and {@code eu-a}
 * draining. The drain job moves {@code dr-a}'s tenants to {@code dr-b} (same region), one at a time,
 * rows kept, the source emptied; a tenant whose move fails (its database name is taken on
 * {@code dr-b} by someone else's database) is undone back to {@code dr-a}, warned and skipped by later
 * runs; {@code eu-a}'s tenant stays, as the one other cluster of its region ({@code eu-b}) is full.
 */
class ClusterDrainTest {

    private static final String PLATFORM_DB = "platform_drain_test";
    private static final String CLUSTERS = """
            clusters:
              - {name: dr-a, region: local, %1$s, state: %%1$s}
              - {name: dr-b, region: local, %2$s}
              - {name: eu-a, region: eu-west-1, %2$s, state: %%1$s}
              - {name: eu-b, region: eu-west-1, %1$s, capacity: 1}
            """;
    private static TwoClusters clusters;
    private static PostgresCluster first;
    private static PostgresCluster second;
    private static List<UUID> movable;
    /** On dr-a; its database's name is taken on dr-b, so its move fails. */
    private static UUID blocked;
    private static JsonNode blockedUser;
    /** On eu-a; eu-b, the one other cluster of eu-west-1, is full. */
    private static UUID stranded;
    private static JsonNode strandedUser;

    @BeforeAll
    static void placeTenantsThenDrain() throws Exception {
        clusters = TwoClusters.start(PLATFORM_DB, Map.of("onboarding.clusters.drain-initial-delay-ms", "1000",
                "onboarding.clusters.drain-interval-ms", "2000"));
        first = clusters.first;
        second = clusters.second;
        String file = CLUSTERS.formatted(TwoClusters.connection(first), TwoClusters.connection(second));
        clusters.run(file.formatted("open"));
        movable = List.of(clusters.provision("local", "dr-a"), clusters.provision("local", "dr-a"));
        for (UUID tenant : movable) {
            clusters.on(first).execute(clusters.database(tenant),
                    "INSERT INTO applications (name, team, created_by) VALUES ('billing', 'core', 'ops'), ('crm', 'core', 'ops')");
        }
        blocked = clusters.provision("local", "dr-a");
        blockedUser = clusters.inviteAndAccept(blocked);
        clusters.takeDatabaseName(second, clusters.database(blocked));
        clusters.provision("eu-west-1", "eu-b");
        stranded = clusters.provision("eu-west-1", "eu-a");
        strandedUser = clusters.inviteAndAccept(stranded);

        clusters.run(file.formatted("draining"));
    }

    @AfterAll
    static void stop() throws Exception {
        clusters.close();
    }

    @Test
    void aDrainingClustersTenantsAllEndOnTheOpenClusterOfTheirRegionWithTheirRows() {
        // Each move ended, not only switched: the tenant names dr-b from switch-tenant-cluster on, and the
        // source copy goes in the step after it (remove-source-copy).
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(movable).allSatisfy(tenant -> {
                    assertThat(clusters.clusterOf(tenant)).isEqualTo("dr-b");
                    assertThat(moves(tenant)).singleElement().asString().startsWith("succeeded");
                }));
        for (UUID tenant : movable) {
            String database = clusters.database(tenant);
            assertThat(rowCluster(tenant)).isEqualTo("dr-b");
            assertThat(clusters.databasesOn(second)).contains(database);
            assertThat(clusters.databasesOn(first)).as("the source copy is gone").doesNotContain(database);
            assertThat(clusters.on(second).value(database, "SELECT string_agg(name, ',' ORDER BY name) FROM applications"))
                    .as("rows kept").isEqualTo("billing,crm");
            assertThat(clusters.portOf(tenant)).isEqualTo(second.port());
            assertThat(drainWarnings(tenant)).isEmpty();
        }
    }

    @Test
    void aMoveThatFailsIsUndoneWarnedAndSkippedByLaterRunsUntilMovedByHand() throws Exception {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() ->
                !drainWarnings(blocked).isEmpty());
        assertThat(drainWarnings(blocked)).singleElement().asString()
                .startsWith("drain: moving it off draining cluster dr-a to dr-b failed")
                .contains("does not belong to tenant");
        // Two more runs, at least one whole run after the failure: eu-a's tenant is looked at after dr-a's in each.
        int runsSeen = strandedLines();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                strandedLines() >= runsSeen + 2);
        assertThat(moves(blocked)).as("tried once, skipped since").containsExactly("failed compensated=true");

        assertThat(rowCluster(blocked)).isEqualTo("dr-a");
        assertThat(clusters.clusterOf(blocked)).isEqualTo("dr-a");
        assertThat(clusters.portOf(blocked)).isEqualTo(first.port());
        String database = clusters.database(blocked);
        assertThat(clusters.databasesOn(first)).contains(database);
        Catalog target = clusters.on(second);
        assertThat(clusters.foreignDatabaseUntouched(second, database)).as("the foreign database untouched").isTrue();
        assertThat(target.roleExists(blockedUser.get("username").asText())).as("the target's copies undone").isFalse();
        assertLogsInWithItsPassword(first, blockedUser);

        // The cause cleared, a move by hand succeeds and takes the warning away.
        target.execute("postgres", "DROP DATABASE " + database);
        JsonNode moved = clusters.move(blocked, "dr-b");
        assertThat(moved.get("status").asText()).as(moved.toString()).isEqualTo("succeeded");
        assertThat(rowCluster(blocked)).isEqualTo("dr-b");
        assertThat(drainWarnings(blocked)).isEmpty();
        assertLogsInWithItsPassword(second, blockedUser);
    }

    @Test
    void aTenantWithNoOtherOpenClusterWithRoomInItsRegionStaysWhereItIs() throws Exception {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> strandedLines() >= 2);
        assertThat(moves(stranded)).as("no move started").isEmpty();
        assertThat(drainWarnings(stranded)).as("a log line, not a tenant warning").isEmpty();
        assertThat(rowCluster(stranded)).isEqualTo("eu-a");
        assertThat(clusters.clusterOf(stranded)).isEqualTo("eu-a");
        String database = clusters.database(stranded);
        assertThat(clusters.databasesOn(second)).contains(database);
        assertThat(clusters.databasesOn(first)).doesNotContain(database);
        assertLogsInWithItsPassword(second, strandedUser);
    }

    /** The tenants row's cluster, read in the control plane. */
    private static String rowCluster(UUID tenant) {
        return clusters.service().catalog().platform("SELECT cluster FROM tenants WHERE tenant_id = ?", tenant).get(0);
    }

    private static List<String> moves(UUID tenant) {
        return clusters.service().catalog().platform("SELECT status || ' compensated=' || coalesce(compensated::text, '-')"
                + " FROM operations WHERE tenant_id = ? AND type = 'move' ORDER BY created_at", tenant);
    }

    private static List<String> drainWarnings(UUID tenant) {
        List<String> warnings = new ArrayList<>();
        clusters.tenant(tenant).get("warnings").forEach(warning -> {
            if (warning.asText().startsWith(ClusterDrain.WARNING + ":")) {
                warnings.add(warning.asText());
            }
        });
        return warnings;
    }

    /** The drain's WARN lines about the eu-a tenant: one a run. */
    private static int strandedLines() {
        String line = "no other open cluster with room serves region eu-west-1: tenant " + stranded + " stays";
        return LogCapture.text().split(java.util.regex.Pattern.quote(line), -1).length - 1;
    }

    /** The user's real login with its password works; with another password it is refused (password auth). */
    private static void assertLogsInWithItsPassword(PostgresCluster cluster, JsonNode user) throws Exception {
        try (Connection connection = clusters.login(cluster, user); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(user.get("username").asText());
        }
        assertThatThrownBy(() -> clusters.on(cluster).login(user.get("database").get("name").asText(),
                user.get("username").asText(), "not-" + user.get("password").asText()).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    }
}
