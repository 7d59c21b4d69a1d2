package io.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.onboarding.operation.FaultHolds;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import jakarta.jms.JMSContext;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the packaged service on one control plane, one external broker and one inbox,
 * under a third party's load over REST (each request sent to both instances), inbox files and JMS at
 * once; one instance is killed with SIGKILL while it runs operations, and the other, never restarted,
 * finishes them. Every tenant exists once, every file is handled once.
 */
class TwoInstancesIT {

    private static final String TOKEN = "two-instances-token-0123456789";
    private static final String PLATFORM = "platform_two_instances_it";
    private static final String JMS_PASSWORD = "two-instances-jms-0123456789";
    private static final int REST = 10;
    private static final int FILES = 10;
    private static final int RECORDS = 5;
    private static final int MESSAGES = 20;
    private static final int HELD = 2;

    private final Catalog catalog = new Catalog(TestPostgres.cluster(), PLATFORM);

    private static Map<String, String> environment(String instance, Path dataDir, Path inbox, int brokerPort) {
        Map<String, String> env = new HashMap<>(TestPostgres.environment());
        env.put("PLATFORM_DB", PLATFORM);
        env.put("DATA_DIR", dataDir.toString());
        env.put("INBOX_DIR", inbox.toString());
        env.put("SERVER_PORT", Integer.toString(TestPostgres.freePort()));
        env.put("ONBOARDING_API_TOKEN", TOKEN);
        env.put("JMS_BROKER_URL", "tcp://127.0.0.1:" + brokerPort);
        env.put("JMS_USER", "onboarding");
        env.put("JMS_PASSWORD", JMS_PASSWORD);
        env.put("INSTANCE_NAME", instance);
        return env;
    }

    private static String request(String name) {
        return "{\"tenant_name\":\"" + name + "\",\"plan\":\"free\",\"region\":\"local\"}";
    }

    @Test
    void twoInstancesSplitTheWorkAndTheSurvivorFinishesWhatTheKilledOneWasDoing() throws Exception {
        Path root = Files.createTempDirectory("two-instances");
        Path inbox = Files.createDirectories(root.resolve("inbox"));
        int brokerPort = TestPostgres.freePort();
        EmbeddedActiveMQ broker = externalBroker(brokerPort);
        ExecutorService load = Executors.newFixedThreadPool(8);
        try (ServiceProcess a = ServiceProcess.start("instance-a", environment("a", Files.createDirectories(
                     root.resolve("a")), inbox, brokerPort))) {
            // Instances sharing a control plane share the local secret store's key (or use Vault).
            Files.createDirectories(root.resolve("b"));
            Files.copy(root.resolve("a/secret-store.key"), root.resolve("b/secret-store.key"));
            // B stops at the test's hold points (FaultHolds), so that it is surely running operations when killed.
            ServiceProcess b = ServiceProcess.start("instance-b", environment("b", root.resolve("b"), inbox, brokerPort),
                    "-Donboarding.faults.hold-points=true");
            try (Connection holder = TestPostgres.cluster().connect(PLATFORM)) {
                String run = UUID.randomUUID().toString().substring(0, 8);
                List<String> names = new ArrayList<>();
                // Other suites may share the cluster (PGHOST set): new tenant databases are counted.
                List<String> databasesBefore = tenantDatabases();

                // First, requests only B accepts, each held inside a step: whatever else B finishes, it is
                // running these when killed. Sent before the load, so that B starts them at once: one still
                // queued on a busy B could be taken by A's recovery pass (A has no hold points).
                Set<UUID> heldAtPoint = new HashSet<>();
                for (int i = 0; i < HELD; i++) {
                    String name = "Two " + run + " held " + i;
                    names.add(name);
                    UUID tenantId = UUID.randomUUID();
                    heldAtPoint.add(tenantId);
                    try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
                        lock.setInt(1, FaultHolds.NAMESPACE);
                        lock.setInt(2, FaultHolds.key(tenantId, "create-tenant-database", FaultHolds.Phase.BEFORE));
                        lock.execute();
                    }
                    String body = "{\"tenant_id\":\"" + tenantId + "\"," + request(name).substring(1);
                    assertThat(b.api().post("/api/v1/tenants", body).status()).as(name).isEqualTo(202);
                }
                String heldTenants = heldAtPoint.stream().map(UUID::toString).collect(Collectors.joining(","));

                // REST: each request sent to both instances at once, as a client retrying elsewhere would.
                List<CompletableFuture<ApiClient.Response>> answers = new ArrayList<>();
                for (int i = 0; i < REST; i++) {
                    String name = "Two " + run + " rest " + i;
                    names.add(name);
                    UUID tenantId = UUID.randomUUID();
                    String body = "{\"tenant_id\":\"" + tenantId + "\"," + request(name).substring(1);
                    for (ServiceProcess instance : List.of(a, b)) {
                        answers.add(CompletableFuture.supplyAsync(() -> instance.api().post("/api/v1/tenants", body), load));
                    }
                }
                // JMS: the external broker hands each message to one consumer of one instance.
                try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort,
                        "onboarding", JMS_PASSWORD); JMSContext jms = factory.createContext()) {
                    for (int i = 0; i < MESSAGES; i++) {
                        String name = "Two " + run + " jms " + i;
                        names.add(name);
                        jms.createProducer().send(jms.createQueue("tenant.requests"), request(name));
                    }
                }
                CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
                for (int i = 0; i < answers.size(); i += 2) {
                    ApiClient.Response first = answers.get(i).join();
                    ApiClient.Response second = answers.get(i + 1).join();
                    // One instance records the tenant (202), the other answers the repeat with it (200).
                    assertThat(List.of(first.status(), second.status())).as("the same request to both instances")
                            .containsExactlyInAnyOrder(200, 202);
                    assertThat(first.body().get("operation_id")).isEqualTo(second.body().get("operation_id"));
                }

                // Inbox: ten files, dropped last so that B can be caught handling one.
                Path staging = Files.createDirectories(root.resolve("staging"));
                for (int f = 0; f < FILES; f++) {
                    String file = "batch-" + f + ".ndjson";
                    StringBuilder content = new StringBuilder();
                    for (int r = 0; r < RECORDS; r++) {
                        String name = "Two " + run + " file " + f + "-" + r;
                        names.add(name);
                        content.append(request(name)).append('\n');
                    }
                    drop(staging, inbox, file, content.toString());
                }

                // B runs operations, and handles an inbox file if it can be caught at it: killed now, mid-flight.
                long loaded = System.nanoTime();
                AtomicReference<Set<UUID>> held = new AtomicReference<>();
                AtomicInteger claims = new AtomicInteger();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    held.set(operationsHeldBy("b"));
                    claims.set(inboxClaimsOf("b"));
                    boolean late = System.nanoTime() - loaded > Duration.ofSeconds(20).toNanos();
                    // At least one of them (both, unless A's recovery pass took one in the instant before B
                    // started it).
                    Set<UUID> atHoldPoints = operationsOf(heldTenants);
                    atHoldPoints.retainAll(held.get());
                    return !atHoldPoints.isEmpty() && (claims.get() > 0 || late);
                });
                b.kill();
                long killed = System.nanoTime();
                // B's backends waiting at the hold points notice the dead client only once they get the lock.
                try (PreparedStatement release = holder.prepareStatement("SELECT pg_advisory_unlock_all()")) {
                    release.execute();
                }
                // The server notices a killed client's connections at its own pace: generous on a busy machine.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> catalog.platform(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tenant-onboarding/b'").equals(List.of("0")));
                long connectionsGone = System.nanoTime();
                // What B held when it died (not what it finished between the last look and the kill).
                Set<UUID> heldByB = new HashSet<>(held.get());
                heldByB.retainAll(catalog.platform("SELECT operation_id::text FROM operations WHERE status = 'running'")
                        .stream().map(UUID::fromString).toList());
                assertThat(heldByB).as("operations B was running when killed").isNotEmpty();
                String heldIds = heldByB.stream().map(UUID::toString).collect(Collectors.joining(","));
                // A takes each of them: holds its lock, or it has ended.
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    Set<UUID> taken = operationsHeldBy("a");
                    taken.retainAll(heldByB);
                    return !taken.isEmpty() || !catalog.platform("SELECT count(*) FROM operations WHERE operation_id"
                            + " = ANY(string_to_array(?, ',')::uuid[]) AND status <> 'running'", heldIds).equals(List.of("0"));
                });
                long firstTaken = System.nanoTime();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> catalog.platform(
                        "SELECT count(*) FROM operations WHERE operation_id = ANY(string_to_array(?, ',')::uuid[])"
                        + " AND status = 'running'", heldIds).equals(List.of("0")));
                long takenOver = System.nanoTime();
                System.out.printf("B killed holding %d operations and %d inbox claims; its connections gone after %d ms;"
                        + " A took the first over after %d ms and finished them all %d ms after the kill%n",
                        heldByB.size(), claims.get(), (connectionsGone - killed) / 1_000_000,
                        (firstTaken - killed) / 1_000_000, (takenOver - killed) / 1_000_000);

                // Everything the third party sent ends, on A alone: every tenant there and ended, and no inbox file
                // left in the inbox (a file B was killed in may have all its tenants before A, once B's claim is
                // gone, handles it again, publishes its report and moves it).
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        catalog.platform("SELECT count(*) FROM tenants WHERE tenant_name LIKE ?", "Two " + run + " %")
                                .equals(List.of(Integer.toString(names.size())))
                        && catalog.platform("SELECT count(*) FROM operations WHERE status = 'running'").equals(List.of("0"))
                        && list(inbox).stream().allMatch(name -> name.startsWith(".")));
                System.out.printf("All %d tenants ended %d ms after the kill%n", names.size(),
                        (System.nanoTime() - killed) / 1_000_000);

                // Every tenant once, one provisioning each, each succeeded or failed and compensated.
                assertThat(catalog.platform("SELECT tenant_name FROM tenants WHERE tenant_name LIKE ?", "Two " + run + " %"))
                        .containsExactlyInAnyOrderElementsOf(names);
                List<String> outcomes = catalog.platform("SELECT o.status || ':' || coalesce(o.compensated::text, '-')"
                        + " FROM operations o JOIN tenants t USING (tenant_id) WHERE t.tenant_name LIKE ?"
                        + " AND o.type = 'provision'", "Two " + run + " %");
                assertThat(outcomes).hasSize(names.size()).allMatch(o -> o.startsWith("succeeded") || o.equals("failed:true"));
                assertThat(outcomes).as("provisionings that succeeded").filteredOn(o -> o.startsWith("succeeded"))
                        .hasSizeGreaterThanOrEqualTo(names.size() - heldByB.size());
                // One database per active tenant, none for a failed one.
                List<String> activeDatabases = catalog.platform("SELECT database_name FROM tenants WHERE tenant_name LIKE ?"
                        + " AND status = 'active'", "Two " + run + " %");
                List<String> otherDatabases = catalog.platform("SELECT database_name FROM tenants WHERE tenant_name LIKE ?"
                        + " AND status <> 'active'", "Two " + run + " %");
                assertThat(activeDatabases).hasSize(outcomes.stream().filter(o -> o.startsWith("succeeded")).toList().size());
                List<String> newDatabases = new ArrayList<>(tenantDatabases());
                newDatabases.removeAll(databasesBefore);
                assertThat(newDatabases).as("tenant databases in pg_database, no orphan")
                        .containsExactlyInAnyOrderElementsOf(activeDatabases).noneMatch(otherDatabases::contains);

                // The killed instance's operations were finished by A, which was never restarted.
                String aLog = a.output();
                assertThat(heldByB).allSatisfy(operation -> assertThat(aLog).contains(operation.toString()));
                assertThat(a.api().withToken(null).get("/observe/health").status()).isEqualTo(200);

                // Each file handled once: one report of its five records, in .done once, nothing failed or left.
                for (int f = 0; f < FILES; f++) {
                    String file = "batch-" + f + ".ndjson";
                    List<String> report = Files.readAllLines(inbox.resolve(".results").resolve(file + ".result.ndjson"));
                    assertThat(report).as(file).hasSize(RECORDS).allMatch(line -> line.contains("\"operation_id\""));
                }
                assertThat(list(inbox.resolve(".done"))).containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, FILES).mapToObj(f -> "batch-" + f + ".ndjson").toList());
                assertThat(list(inbox.resolve(".results"))).hasSize(FILES);
                assertThat(Files.exists(inbox.resolve(".failed"))).as(".failed").isFalse();
                assertThat(list(inbox).stream().filter(name -> !name.startsWith("."))).as("left in the inbox").isEmpty();

                aFileClaimedElsewhereIsLeftAloneUntilTheClaimDies(inbox, staging, run);
            } finally {
                b.close();
            }
        } finally {
            load.shutdownNow();
            broker.stop();
        }
    }

    /**
     * The "external" broker both instances use, in the test's JVM: in memory (a consumer that dies
     * still gets its unacknowledged messages redelivered to another), and not blocking producers when
     * the shared test machine's disk is nearly full (Artemis' max-disk-usage would).
     */
    private static EmbeddedActiveMQ externalBroker(int port) throws Exception {
        Configuration config = new ConfigurationImpl().setName("external-broker").setPersistenceEnabled(false)
                .setSecurityEnabled(false).setJMXManagementEnabled(false).setMaxDiskUsage(-1)
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        return broker;
    }

    /**
     * A file claimed by another instance (here: the test, holding the claim's lock as an instance
     * would) is neither processed, moved nor failed; once the claimant's connection is gone, as when
     * it is killed, the file is handled at the next poll.
     */
    private void aFileClaimedElsewhereIsLeftAloneUntilTheClaimDies(Path inbox, Path staging, String run) throws Exception {
        try (Connection claimant = TestPostgres.cluster().connect(PLATFORM)) {
            try (PreparedStatement lock = claimant.prepareStatement(
                    "SELECT pg_advisory_lock(hashtext('inbox-file'), hashtext('claimed.ndjson'))")) {
                lock.execute();
            }
            drop(staging, inbox, "claimed.ndjson", request("Two " + run + " claimed") + "\n");
            // Dropped after it, so handled after claimed.ndjson was looked at.
            drop(staging, inbox, "later.ndjson", request("Two " + run + " later") + "\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inbox.resolve(".done/later.ndjson")));
            assertThat(inbox.resolve("claimed.ndjson")).exists();
            assertThat(inbox.resolve(".results/claimed.ndjson.result.ndjson")).doesNotExist();
            assertThat(inbox.resolve(".failed")).doesNotExist();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inbox.resolve(".done/claimed.ndjson")));
        assertThat(Files.readAllLines(inbox.resolve(".results/claimed.ndjson.result.ndjson")))
                .singleElement().asString().contains("\"operation_id\"");
        assertThat(inbox.resolve("claimed.ndjson")).doesNotExist();
    }

    /** Written aside and renamed in, as a careful dropper does. */
    private static void drop(Path staging, Path inbox, String file, String content) throws Exception {
        Files.writeString(staging.resolve(file), content);
        Files.move(staging.resolve(file), inbox.resolve(file), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Operations an instance runs: the query of docs/instances.md ("what runs where"), for one instance. */
    private Set<UUID> operationsHeldBy(String instance) {
        return catalog.platform("SELECT o.operation_id::text FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                + " JOIN operations o ON ((l.classid::bigint << 32) | l.objid::bigint)"
                + " = (('x' || substr(replace(o.operation_id::text, '-', ''), 1, 16))::bit(64)::bigint"
                + " # ('x' || substr(replace(o.operation_id::text, '-', ''), 17, 16))::bit(64)::bigint)"
                + " WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted AND o.status = 'running'"
                + " AND a.application_name = ?", "tenant-onboarding/" + instance)
                .stream().map(UUID::fromString).collect(Collectors.toCollection(HashSet::new));
    }

    /** The provisioning operations of these tenants (ids joined by commas), as far as they are recorded. */
    private Set<UUID> operationsOf(String tenantIds) {
        return catalog.platform("SELECT operation_id::text FROM operations WHERE type = 'provision'"
                + " AND tenant_id = ANY(string_to_array(?, ',')::uuid[])", tenantIds)
                .stream().map(UUID::fromString).collect(Collectors.toCollection(HashSet::new));
    }

    private List<String> tenantDatabases() {
        return catalog.column("postgres", "SELECT datname FROM pg_database WHERE datname LIKE 'tenant\\_%'");
    }

    /** Inbox files an instance has claimed (InboxFileClaims: two-key advisory locks of class "inbox-file"). */
    private int inboxClaimsOf(String instance) {
        return Integer.parseInt(catalog.platform("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity s USING (pid)"
                + " WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted AND s.application_name = ?"
                + " AND l.classid::bigint = (hashtext('inbox-file')::bigint & 4294967295)", "tenant-onboarding/" + instance)
                .get(0));
    }

    private static List<String> list(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
