package io.onboarding.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.onboarding.support.ApiClient;
import io.onboarding.support.Catalog;
import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two instances of the packaged service on one control plane: each scheduled tick backs up once. */
class BackupClusterIT {

    private static final String TOKEN = "cluster-test-token-0123456789";
    private static final String PLATFORM = "platform_backup_cluster_it";

    private static Map<String, String> environment(Path dataDir) throws Exception {
        Map<String, String> env = new HashMap<>(TestPostgres.environment());
        env.put("PLATFORM_DB", PLATFORM);
        env.put("DATA_DIR", dataDir.toString());
        env.put("SERVER_PORT", Integer.toString(TestPostgres.freePort()));
        env.put("ONBOARDING_API_TOKEN", TOKEN);
        env.put("BACKUP_MIN_INTERVAL_SECONDS", "1"); // the 2-second schedule below
        return env;
    }

    @Test
    void twoInstancesRunOneBackupPerTick() throws Exception {
        Path first = Files.createTempDirectory("cluster-a");
        Path second = Files.createTempDirectory("cluster-b");
        Catalog catalog = new Catalog(TestPostgres.cluster(), PLATFORM);
        try (ServiceProcess a = ServiceProcess.start("cluster-a", environment(first),
                "-Donboarding.jms.embedded-port=" + TestPostgres.freePort())) {
            UUID tenantId = UUID.randomUUID();
            ApiClient.Response accepted = a.api().post("/api/v1/tenants", """
                    {"tenant_id":"%s","tenant_name":"Clustered %s","plan":"standard","region":"local",
                     "backup_policy":{"schedule":"0/2 * * * * ?"}}""".formatted(tenantId, tenantId.toString().substring(0, 8)));
            assertThat(accepted.status()).isEqualTo(202);
            // Instances sharing a control plane share the local secret store's key (or use Vault).
            Files.copy(first.resolve("secret-store.key"), second.resolve("secret-store.key"));
            try (ServiceProcess b = ServiceProcess.start("cluster-b", environment(second),
                    "-Donboarding.jms.embedded-port=" + TestPostgres.freePort())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> catalog.platform(
                        "SELECT count(*) FROM qrtz_scheduler_state").equals(List.of("2")));
                String since = catalog.platform("SELECT now()::text").get(0);
                String ticks = "SELECT floor(extract(epoch FROM created_at) / 2)::bigint AS tick, count(*)"
                        + " FROM operations WHERE tenant_id = ?::uuid AND type = 'backup' AND created_at > ?::timestamptz"
                        + " AND created_at < now() - interval '1 second' GROUP BY 1";
                // Both instances up, six ticks of the 2-second schedule.
                await().atMost(Duration.ofSeconds(40)).until(() -> catalog.column(PLATFORM,
                        "SELECT count(*) FROM (" + ticks + ") t", tenantId.toString(), since).stream().mapToInt(Integer::parseInt).sum() >= 6);
                List<String> perTick = catalog.column(PLATFORM, "SELECT count FROM (" + ticks + ") t",
                        tenantId.toString(), since);
                assertThat(perTick).as("backups per 2-second tick").hasSizeGreaterThanOrEqualTo(6)
                        .allMatch("1"::equals);
                assertThat(catalog.platform("SELECT count(*) FROM backups WHERE tenant_id = ?::uuid AND status = 'succeeded'",
                        tenantId.toString()).get(0)).isNotEqualTo("0");
            }
        }
    }
}
