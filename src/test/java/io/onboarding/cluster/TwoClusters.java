package io.onboarding.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.postgres.EmbeddedPostgresServer;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.Mailbox;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The cluster tests' set-up: two real PostgreSQL clusters (the tests' one, {@link #first}, and a
 * second embedded one, {@link #second}), a mailbox, and the service run over a clusters file naming
 * them; {@link #run} again is a restart on the same control plane and data directory. With the
 * look-ups the tests share: where a tenant is, what each cluster holds, a user's real login.
 */
public final class TwoClusters implements AutoCloseable {

    /** The regions the tests' clusters files use. */
    static final String REGIONS = "local,eu-west-1,us-east-1,ap-south-1,sa-east-1";
    private static final String FOREIGN = "a foreign database, not a tenant's";

    public final PostgresCluster first;
    public final PostgresCluster second;
    private final EmbeddedPostgresServer secondServer;
    private final Mailbox mailbox;
    private final String platformDb;
    private final Map<String, String> extraSettings;
    private final Path clustersFile;
    private final Path dataDir;
    private RunningService service;

    private TwoClusters(EmbeddedPostgresServer secondServer, String platformDb, Map<String, String> extraSettings)
            throws Exception {
        this.first = TestPostgres.cluster();
        this.secondServer = secondServer;
        this.second = secondServer.cluster();
        this.mailbox = new Mailbox();
        this.platformDb = platformDb;
        this.extraSettings = extraSettings;
        this.clustersFile = Files.createTempFile("clusters", ".yaml");
        this.dataDir = Files.createTempDirectory("onboarding-clusters-data");
    }

    /** Starts the second cluster and the mailbox; the service starts at {@link #run}. */
    public static TwoClusters start(String platformDb, Map<String, String> extraSettings) throws Exception {
        EmbeddedPostgresServer second = EmbeddedPostgresServer.start(Files.createTempDirectory("onboarding-test-pg2"),
                TestPostgres.freePort());
        TestPostgres.tuneForTests(second.cluster());
        return new TwoClusters(second, platformDb, extraSettings);
    }

    /** A clusters-file entry's {@code host, port, user} of the cluster (no password). */
    static String address(PostgresCluster cluster) {
        return "host: " + cluster.host() + ", port: " + cluster.port() + ", user: " + cluster.user();
    }

    /** {@link #address} with the cluster's password. */
    public static String connection(PostgresCluster cluster) {
        return address(cluster) + ", password: \"" + cluster.password() + "\"";
    }

    /** Writes the clusters file and starts the service over it; a running one is stopped first (a restart). */
    void run(String clustersYaml) throws Exception {
        run(clustersYaml, Map.of());
    }

    /** {@link #run} with settings over the usual ones for this start only. */
    void run(String clustersYaml, Map<String, String> overrides) throws Exception {
        if (service != null) {
            service.close();
            service = null;
        }
        Files.writeString(clustersFile, clustersYaml);
        Map<String, String> settings = settings(clustersFile);
        settings.putAll(overrides);
        service = RunningService.start(platformDb, settings, dataDir);
    }

    /** The service's settings with another clusters file. */
    Map<String, String> settings(Path file) {
        Map<String, String> settings = new HashMap<>(mailbox.serviceSettings());
        settings.put("onboarding.clusters-file", file.toString());
        settings.put("onboarding.regions", REGIONS);
        settings.putAll(extraSettings);
        return settings;
    }

    public RunningService service() {
        return service;
    }

    ApiClient api() {
        return service.api();
    }

    public Catalog on(PostgresCluster cluster) {
        return new Catalog(cluster, platformDb);
    }

    ApiClient.Response create(String region, String cluster) {
        UUID tenantId = UUID.randomUUID();
        return api().post("/api/v1/tenants", """
                {"tenant_id":"%s","tenant_name":"C %s","plan":"free","region":"%s"%s}""".formatted(tenantId,
                tenantId.toString().substring(0, 13), region, cluster == null ? "" : ",\"cluster\":\"" + cluster + "\""));
    }

    /** A tenant of the region provisioned (on the cluster, if named); its id. */
    public UUID provision(String region, String cluster) {
        ApiClient.Response accepted = create(region, cluster);
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
        JsonNode operation = service.awaitOperation(accepted.body().get("operation_id").asText());
        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
        return UUID.fromString(accepted.body().get("tenant_id").asText());
    }

    /** {@code POST /move}, accepted, and its operation once ended. */
    public JsonNode move(UUID tenantId, String cluster) {
        ApiClient.Response accepted = api().post("/api/v1/tenants/" + tenantId + "/move", "{\"cluster\":\"" + cluster + "\"}");
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
        return service.awaitOperation(accepted.body().get("operation_id").asText());
    }

    public JsonNode tenant(UUID tenantId) {
        return api().get("/api/v1/tenants/" + tenantId).body();
    }

    public String clusterOf(UUID tenantId) {
        return tenant(tenantId).get("cluster").asText();
    }

    public String database(UUID tenantId) {
        return tenant(tenantId).get("database").get("name").asText();
    }

    public int portOf(UUID tenantId) {
        return tenant(tenantId).get("database").get("port").asInt();
    }

    public List<String> databasesOn(PostgresCluster cluster) {
        return on(cluster).column("postgres", "SELECT datname FROM pg_database");
    }

    /** Takes the name on the cluster with someone else's database (no owner marker): a move there must fail. */
    public void takeDatabaseName(PostgresCluster cluster, String database) {
        on(cluster).execute("postgres", "CREATE DATABASE " + database,
                "COMMENT ON DATABASE " + database + " IS '" + FOREIGN.replace("'", "''") + "'");
    }

    /** Whether the database {@link #takeDatabaseName} made is still there, as made. */
    public boolean foreignDatabaseUntouched(PostgresCluster cluster, String database) {
        return FOREIGN.equals(on(cluster).value("postgres",
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?", database));
    }

    /** A developer invited to the tenant, the invitation accepted: the credentials the acceptance returned. */
    JsonNode inviteAndAccept(UUID tenantId) throws Exception {
        return inviteAndAccept(tenantId, "developer");
    }

    /** {@link #inviteAndAccept} with another role. */
    JsonNode inviteAndAccept(UUID tenantId, String role) throws Exception {
        String email = "dev-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        ApiClient.Response invited = api().post("/api/v1/tenants/" + tenantId + "/users",
                "{\"email\":\"" + email + "\",\"role\":\"" + role + "\",\"teams\":[],\"invited_by\":\"ops\"}");
        assertThat(invited.status()).as(invited.body().toString()).isEqualTo(201);
        String link = mailbox.awaitLink(email);
        ApiClient.Response accepted = api().postUrl(link.replace("http://onboarding.test", "http://localhost:" + service.port())
                + "/accept");
        assertThat(accepted.status()).as(String.valueOf(accepted.body())).isEqualTo(200);
        return accepted.body();
    }

    /** The user's own login (password over TCP, scram-sha-256) to the tenant's database on the cluster. */
    public Connection login(PostgresCluster cluster, JsonNode credentials) throws Exception {
        return on(cluster).login(credentials.get("database").get("name").asText(),
                credentials.get("username").asText(), credentials.get("password").asText());
    }

    @Override
    public void close() throws Exception {
        try (AutoCloseable server = secondServer; AutoCloseable mail = mailbox) {
            if (service != null) {
                service.close();
            }
        }
    }
}
