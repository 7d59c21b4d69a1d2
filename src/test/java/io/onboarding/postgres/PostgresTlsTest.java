package io.onboarding.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.RunningService;
import io.onboarding.support.TestCertificates;
import io.onboarding.support.TestPostgres;
import io.onboarding.tenant.TenantNaming;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service on a PostgreSQL cluster of this test's own that speaks TLS only (ssl=on; pg_hba rejects
 * every TCP connection without TLS and without a client certificate for the user), with certificates
 * signed by a CA the test makes: PGSSLMODE=verify-full with that CA and PGSSLCERT/PGSSLKEY works end to
 * end, pg_dump included; another CA stops the start.
 */
class PostgresTlsTest {

    private static Path directory;
    private static TestCertificates certificates;
    private static EmbeddedPostgres server;
    private static PostgresCluster cluster;

    @BeforeAll
    static void startTlsOnlyCluster() throws Exception {
        directory = Files.createTempDirectory("onboarding-pg-tls");
        certificates = TestCertificates.create(directory.resolve("certificates"));
        Path pgData = directory.resolve("postgres");
        server = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(true)
                .setPort(TestPostgres.freePort())
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", pgData.toString())
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", certificates.serverCert().toString())
                .setServerConfig("ssl_key_file", certificates.serverKey().toString())
                .setServerConfig("ssl_ca_file", certificates.caCert().toString())
                .start();
        // From now on TCP needs TLS and a client certificate naming the user: whatever connects proves both.
        // The tenants' stewards (the platform's logins inside tenant databases) use scram over TLS, as
        // docs/connections.md tells the DBA.
        Files.writeString(pgData.resolve("pg_hba.conf"), """
                local     all all                         trust
                hostssl   all +onboarding_tenant_stewards 127.0.0.1/32 scram-sha-256
                hostssl   all all 127.0.0.1/32 cert
                hostnossl all all 0.0.0.0/0    reject
                """);
        try (var connection = server.getPostgresDatabase().getConnection(); var statement = connection.createStatement()) {
            statement.execute("SELECT pg_reload_conf()");
        }
        cluster = new PostgresCluster("localhost", server.getPort(), "postgres", null,
                new PostgresTls("verify-full", certificates.caCert().toString(), certificates.clientCert().toString(),
                        certificates.clientKey().toString()));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> catalog().value("postgres",
                "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()").equals("true"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Catalog catalog() {
        return new Catalog(cluster, "platform_tls");
    }

    private static Map<String, String> settings(Path rootCert) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "onboarding.postgres.host", "localhost",
                "onboarding.postgres.port", Integer.toString(server.getPort()),
                "onboarding.postgres.user", "postgres",
                "onboarding.postgres.password", "",
                "onboarding.postgres.sslmode", "verify-full",
                "onboarding.postgres.sslrootcert", rootCert.toString(),
                "onboarding.postgres.sslcert", certificates.clientCert().toString(),
                "onboarding.postgres.sslkey", certificates.clientKey().toString()));
        settings.put("onboarding.backup-dir", directory.resolve("backups").toString());
        return settings;
    }

    @Test
    void verifyFullProvisionsATenantOverTlsAndSaysSoInItsConnectionDetails() throws Exception {
        assertThat(catalog().value("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'platform_tls'"))
                .isEqualTo("0");
        try (RunningService service = RunningService.start("platform_tls", settings(certificates.caCert()))) {
            ApiClient api = service.api();
            UUID tenantId = service.activeTenant("standard", null);
            assertThat(catalog().databaseExists(TenantNaming.databaseName(tenantId))).isTrue();

            JsonNode database = api.get("/api/v1/tenants/" + tenantId).body().get("database");
            assertThat(database.get("sslmode").asText()).isEqualTo("verify-full");
            assertThat(database.get("host").asText()).isEqualTo("localhost");

            // The service's own connections, as the server sees them: every one over TLS, with its certificate.
            List<String> ssl = catalog().column("postgres", "SELECT s.ssl::text || ' ' || s.client_dn FROM pg_stat_ssl s"
                    + " JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'tenant-onboarding'");
            assertThat(ssl).isNotEmpty().containsOnly("true /CN=postgres");

            // pg_dump gets the same TLS settings (without TLS and the client certificate it would be refused).
            ApiClient.Response backup = api.post("/api/v1/tenants/" + tenantId + "/backups", "");
            assertThat(backup.status()).isEqualTo(202);
            JsonNode operation = service.awaitOperation(backup.body().get("operation_id").asText());
            assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("succeeded");
            assertThat(api.get("/api/v1/tenants/" + tenantId + "/backups").body().get("items").get(0)
                    .get("status").asText()).isEqualTo("succeeded");
        }
    }

    @Test
    void aRootCertificateOfAnotherCaStopsTheStartNamingTheTlsSettings() throws Exception {
        Path otherCa = TestCertificates.create(directory.resolve("other-ca")).caCert();
        assertThatThrownBy(() -> RunningService.start("platform_tls_wrong_ca", settings(otherCa)).close())
                .hasStackTraceContaining("Cannot use PostgreSQL")
                .hasStackTraceContaining("PGSSLMODE=verify-full, PGSSLROOTCERT=" + otherCa + ", PGSSLCERT=")
                .hasStackTraceContaining("SSL");
        assertThat(catalog().value("postgres",
                "SELECT count(*) FROM pg_database WHERE datname = 'platform_tls_wrong_ca'")).isEqualTo("0");
    }
}
