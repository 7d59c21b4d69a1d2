package io.onboarding.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.crypto.tink.StreamingAead;
import io.onboarding.api.ApiException;
import io.onboarding.operation.JournaledStepComponent;
import io.onboarding.operation.OperationLauncher;
import io.onboarding.operation.OperationRunner;
import io.onboarding.platform.PostgresCluster;
import io.onboarding.tenant.TenantDatabaseProvisioner;
import io.onboarding.tenant.TenantPrivilegeGranter;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import io.onboarding.tenant.TenantRole;
import io.onboarding.tenant.TenantNaming;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logical backups of tenant databases and their restore. A backup is {@code pg_dump -Fc} streamed
 * through Tink's streaming AEAD into {@code $BACKUP_DIR/<storage_location>/<tenant_id>/}, written
 * aside and renamed when complete; it runs as an operation on the operation workers, never on a
 * Camel consumer thread. A restore decrypts a backup into a new database (default) or, after a
 * safety backup, in place of the tenant's database, with ownership and grants as after provisioning.
 */
public final class TenantBackups {

    private static final Logger LOG = LoggerFactory.getLogger(TenantBackups.class);
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final PostgresCluster cluster;
    private final TenantRepository tenants;
    private final BackupRepository backups;
    private final BackupKeys keys;
    private final PgTools pgTools;
    private final BackupMetrics metrics;
    private final OperationLauncher launcher;
    private final TenantDatabaseProvisioner databases;
    private final TenantPrivilegeGranter privileges;
    private final Path backupDir;

    public TenantBackups(PostgresCluster cluster, TenantRepository tenants, BackupRepository backups, BackupKeys keys,
                         PgTools pgTools, BackupMetrics metrics, OperationLauncher launcher,
                         TenantDatabaseProvisioner databases, TenantPrivilegeGranter privileges, Path backupDir) {
        this.cluster = cluster;
        this.tenants = tenants;
        this.backups = backups;
        this.keys = keys;
        this.pgTools = pgTools;
        this.metrics = metrics;
        this.launcher = launcher;
        this.databases = databases;
        this.privileges = privileges;
        this.backupDir = backupDir;
    }

    // --- starting operations ------------------------------------------------------------------

    /** {@code POST /api/v1/tenants/{id}/backups}: a manual backup operation. */
    public UUID launchManual(UUID tenantId) {
        tenants.requireActive(tenantId);
        return launcher.launch("backup", tenantId, Map.of("kind", "manual", "backup_id", UUID.randomUUID().toString()));
    }

    /** Fired by the tenant's Quartz schedule (once per tick across instances). */
    public void launchScheduled(String tenant) {
        UUID tenantId = UUID.fromString(tenant);
        TenantRecord record = tenants.find(tenantId).orElse(null);
        if (record == null || !"active".equals(record.status())) {
            LOG.info("Scheduled backup of tenant {} skipped: the tenant is not active", tenantId);
            return;
        }
        try {
            launcher.launch("backup", tenantId, Map.of("kind", "scheduled", "backup_id", UUID.randomUUID().toString()));
        } catch (ApiException busy) {
            LOG.info("Scheduled backup of tenant {} skipped: {}", tenantId, busy.getMessage());
        }
    }

    /** {@code POST /api/v1/tenants/{id}/restore}: checked here, run as a restore operation. */
    public UUID launchRestore(UUID tenantId, JsonNode body) {
        TenantRecord tenant = tenants.requireActive(tenantId);
        if (body == null || !body.isObject()) {
            throw ApiException.validation("body", "must be a JSON object");
        }
        UUID backupId;
        try {
            backupId = UUID.fromString(body.path("backup_id").asText(""));
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("backup_id", "must be the id of one of the tenant's backups");
        }
        Backup backup = backups.find(backupId).filter(b -> b.tenantId().equals(tenantId))
                .orElseThrow(() -> ApiException.validation("backup_id", "is not a backup of this tenant"));
        if (!"succeeded".equals(backup.status())) {
            throw ApiException.validation("backup_id", "is a backup that is " + backup.status() + ", not succeeded");
        }
        String target = body.path("target_database").asText(null);
        boolean inPlace = tenant.databaseName().equals(target);
        if (target == null) {
            target = tenant.databaseName() + "_r" + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)).toLowerCase();
        } else if (!DATABASE_NAME.matcher(target).matches()) {
            throw ApiException.validation("target_database",
                    "must be a lower-case PostgreSQL name: letters, digits, '_', at most 63");
        } else if (!inPlace && databaseExists(target)) {
            throw ApiException.validation("target_database", "already exists; name a new database, or the"
                    + " tenant's own (" + tenant.databaseName() + ") to restore in place after a safety backup");
        }
        return launcher.launch("restore", tenantId, Map.of("backup_id", backupId.toString(),
                "target_database", inPlace ? tenant.databaseName() + "_restoring" : target,
                "in_place", Boolean.toString(inPlace)));
    }

    public List<Backup> list(UUID tenantId) {
        tenants.require(tenantId);
        return backups.list(tenantId);
    }

    // --- steps --------------------------------------------------------------------------------

    /** Step {@code dump-tenant-database}. */
    public void dump(Exchange exchange) throws Exception {
        Map<String, String> parameters = OperationRunner.parameters(exchange);
        TenantRecord tenant = exchange.getMessage().getBody(TenantRecord.class);
        dump(tenant, UUID.fromString(parameters.get("backup_id")), parameters.get("kind"),
                exchange.getMessage().getHeader(JournaledStepComponent.OPERATION_ID, UUID.class));
    }

    /** Compensation of {@code dump-tenant-database}: no partial file is left behind. */
    public void discardDump(Exchange exchange) throws IOException {
        UUID backupId = UUID.fromString(OperationRunner.parameters(exchange).get("backup_id"));
        Backup backup = backups.find(backupId).orElse(null);
        if (backup != null && !"succeeded".equals(backup.status())) {
            Path directory = directory(backup.storageLocation(), backup.tenantId());
            if (Files.isDirectory(directory)) {
                try (var files = Files.list(directory)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().contains(backupId.toString())).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    /** Step {@code take-final-backup} of a destroy (skipped for a tenant that never got a database). */
    public void finalBackup(Exchange exchange) throws Exception {
        Map<String, String> parameters = OperationRunner.parameters(exchange);
        if ("failed".equals(parameters.get("previous_status"))) {
            exchange.setProperty(JournaledStepComponent.SKIPPED_PROPERTY, "the tenant failed to provision");
            return;
        }
        if ("suspended".equals(parameters.get("previous_status"))) {
            // A suspended database accepts no connections, pg_dump's included.
            databases.allowConnections(exchange.getMessage().getHeader("tenantId", UUID.class));
        }
        dump(exchange);
    }

    /** Step {@code take-safety-backup}: before a restore in place (skipped otherwise). */
    public void safetyBackup(Exchange exchange) throws Exception {
        if (!Boolean.parseBoolean(OperationRunner.parameters(exchange).get("in_place"))) {
            exchange.setProperty(JournaledStepComponent.SKIPPED_PROPERTY, "restore into a new database");
            return;
        }
        UUID operationId = exchange.getMessage().getHeader(JournaledStepComponent.OPERATION_ID, UUID.class);
        dump(exchange.getMessage().getBody(TenantRecord.class),
                UUID.nameUUIDFromBytes(("safety:" + operationId).getBytes(StandardCharsets.UTF_8)), "manual", operationId);
    }

    /** Step {@code restore-backup}: the backup decrypted into the target database. */
    public void restore(Exchange exchange) throws Exception {
        Map<String, String> parameters = OperationRunner.parameters(exchange);
        TenantRecord tenant = exchange.getMessage().getBody(TenantRecord.class);
        Backup backup = backups.find(UUID.fromString(parameters.get("backup_id"))).orElseThrow();
        String target = parameters.get("target_database");
        databases.drop(tenant.tenantId(), target); // a half-restored copy from an interrupted attempt
        databases.createNamed(tenant, target);
        StreamingAead aead = keys.forDecryption(backup);
        Path log = Files.createTempFile("pg_restore", ".log");
        try {
            Process restore = start(log, pgTools.pgRestore(serverMajor()).toString(), "--dbname", target,
                    "--no-owner", "--role", TenantNaming.roleName(tenant.tenantId(), TenantRole.TENANT_ADMIN),
                    "--exit-on-error", "--single-transaction");
            try (InputStream encrypted = Files.newInputStream(Path.of(backup.location()));
                 InputStream plain = aead.newDecryptingStream(encrypted, associatedData(backup.backupId()));
                 OutputStream stdin = restore.getOutputStream()) {
                plain.transferTo(stdin);
            } catch (IOException e) {
                restore.destroy();
                throw new IllegalStateException("backup " + backup.backupId() + " cannot be decrypted or read: "
                        + e.getMessage(), e);
            }
            finish(restore, log, "pg_restore");
        } finally {
            Files.deleteIfExists(log);
        }
        privileges.grantOn(tenant, target);
        LOG.info("Backup {} of tenant {} restored into {}", backup.backupId(), tenant.tenantId(), target);
    }

    /** Compensation of {@code restore-backup}: the target database dropped again. */
    public void discardRestore(Exchange exchange) throws SQLException {
        databases.drop(exchange.getMessage().getHeader("tenantId", UUID.class),
                OperationRunner.parameters(exchange).get("target_database"));
    }

    /** Step {@code switch-to-restored-database}: in place only (skipped otherwise). */
    public void switchDatabase(Exchange exchange) throws SQLException {
        Map<String, String> parameters = OperationRunner.parameters(exchange);
        if (!Boolean.parseBoolean(parameters.get("in_place"))) {
            exchange.setProperty(JournaledStepComponent.SKIPPED_PROPERTY, "restored into "
                    + parameters.get("target_database"));
            return;
        }
        databases.replace(exchange.getMessage().getBody(TenantRecord.class), parameters.get("target_database"));
    }

    /** Compensation of {@code switch-to-restored-database}. */
    public void undoSwitch(Exchange exchange) throws SQLException {
        databases.undoReplace(tenants.load(exchange.getMessage().getHeader("tenantId", UUID.class)));
    }

    // --- the backup itself --------------------------------------------------------------------

    private void dump(TenantRecord tenant, UUID backupId, String kind, UUID operationId) throws Exception {
        Backup existing = backups.find(backupId).orElse(null);
        if (existing != null && "succeeded".equals(existing.status())) {
            return; // done before a crash; nothing to repeat
        }
        String level = tenant.backupPolicy().encryptionLevel();
        String location = tenant.backupPolicy().storageLocation();
        backups.started(backupId, tenant.tenantId(), operationId, kind, tenant.databaseName(), location, level,
                BackupKeys.usesDataKey(level));
        long started = System.nanoTime();
        Path directory = Files.createDirectories(directory(location, tenant.tenantId()));
        Path file = directory.resolve(STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-" + backupId + ".dump.enc");
        Path partial = directory.resolve(file.getFileName() + ".partial");
        Path log = Files.createTempFile("pg_dump", ".log");
        try {
            StreamingAead aead = keys.forEncryption(tenant.tenantId(), level);
            // A session holding an exclusive lock must not stall a backup worker for ever.
            Process dump = start(log, pgTools.pgDump(serverMajor()).toString(), "--format=custom", "--compress=6",
                    "--lock-wait-timeout=120000", "--dbname", tenant.databaseName());
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            try (InputStream plain = dump.getInputStream();
                 OutputStream encrypted = aead.newEncryptingStream(
                         new DigestOutputStream(Files.newOutputStream(partial), sha256), associatedData(backupId))) {
                plain.transferTo(encrypted);
            }
            finish(dump, log, "pg_dump");
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            long size = Files.size(file);
            backups.succeeded(backupId, file.toString(), size, HexFormat.of().formatHex(sha256.digest()));
            metrics.succeeded(tenant.databaseName(), Duration.ofNanos(System.nanoTime() - started), size);
            LOG.info("Backup {} of tenant {} written: {} bytes", backupId, tenant.tenantId(), size);
        } catch (Exception e) {
            Files.deleteIfExists(partial);
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            backups.failed(backupId, reason);
            metrics.failed(tenant.databaseName(), Duration.ofNanos(System.nanoTime() - started));
            LOG.warn("Backup {} of tenant {} failed: {}", backupId, tenant.tenantId(), reason);
            throw e;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** A PostgreSQL client tool run against the cluster; the password goes in the environment only. */
    private Process start(Path log, String... command) throws IOException {
        String[] arguments = new String[command.length + 7];
        System.arraycopy(command, 0, arguments, 0, command.length);
        String[] connection = {"--host", cluster.host(), "--port", Integer.toString(cluster.port()), "--username",
                cluster.user(), "--no-password"};
        System.arraycopy(connection, 0, arguments, command.length, connection.length);
        ProcessBuilder builder = new ProcessBuilder(arguments).redirectError(log.toFile());
        if (command[0].endsWith("pg_restore")) {
            builder.redirectOutput(log.toFile());
        }
        builder.environment().put("PGPASSWORD", cluster.password() == null ? "" : cluster.password());
        builder.environment().put("PGCONNECT_TIMEOUT", "10");
        return builder.start();
    }

    private static void finish(Process process, Path log, String tool) throws IOException, InterruptedException {
        // Output is fully read by now; the process only has to exit.
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(tool + " did not exit");
        }
        int exit = process.exitValue();
        if (exit != 0) {
            String output = Files.readString(log).strip();
            throw new IllegalStateException(tool + " failed (exit " + exit + "): "
                    + output.lines().filter(line -> !line.isBlank()).findFirst().orElse("no output"));
        }
    }

    private int serverMajor() throws SQLException {
        try (Connection connection = cluster.connect("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10000;
        }
    }

    private boolean databaseExists(String name) {
        try (Connection connection = cluster.connect("postgres");
             var query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL: " + e.getMessage(), e);
        }
    }

    private Path directory(String storageLocation, UUID tenantId) {
        return backupDir.resolve(storageLocation).resolve(tenantId.toString());
    }

    /** Binds a backup file to its id: a file renamed or swapped for another does not decrypt. */
    private static byte[] associatedData(UUID backupId) {
        return ("tenant-onboarding backup " + backupId).getBytes(StandardCharsets.UTF_8);
    }
}
