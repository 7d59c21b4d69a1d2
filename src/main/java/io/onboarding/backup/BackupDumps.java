package io.onboarding.backup;

import com.google.crypto.tink.StreamingAead;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.tenant.TenantClusters;
import io.onboarding.tenant.TenantDatabaseProvisioner;
import io.onboarding.tenant.TenantPrivilegeGranter;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRole;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantSteward;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logical backups of tenant databases and their restore. A backup is {@code pg_dump -Fc} streamed
 * through Tink's streaming AEAD into {@code $BACKUP_DIR/<storage_location>/<tenant_id>/}, written
 * aside and then kept by {@link BackupStorage} (renamed on disk, or uploaded and verified in the
 * offsite object store); it runs as an operation on the operation workers, never on a
 * Camel consumer thread. A restore decrypts a backup into a new database, created and locked down
 * as at provisioning, with ownership and grants as after provisioning.
 */
public final class BackupDumps {

    private static final Logger LOG = LoggerFactory.getLogger(BackupDumps.class);
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final TenantClusters clusters;
    private final BackupRepository backups;
    private final BackupKeys keys;
    private final PgTools pgTools;
    private final BackupMetrics metrics;
    private final TenantDatabaseProvisioner databases;
    private final TenantPrivilegeGranter privileges;
    private final BackupStorage storage;
    private final TenantSteward steward;

    public BackupDumps(TenantClusters clusters, BackupRepository backups, BackupKeys keys, PgTools pgTools,
                       BackupMetrics metrics, TenantDatabaseProvisioner databases, TenantPrivilegeGranter privileges,
                       BackupStorage storage, TenantSteward steward) {
        this.steward = steward;
        this.clusters = clusters;
        this.backups = backups;
        this.keys = keys;
        this.pgTools = pgTools;
        this.metrics = metrics;
        this.databases = databases;
        this.privileges = privileges;
        this.storage = storage;
    }

    /** The backup written and recorded as succeeded (a no-op if it already was), or recorded as failed. */
    void dump(TenantRecord tenant, UUID backupId, String kind, UUID operationId) throws Exception {
        Backup existing = backups.find(backupId).orElse(null);
        if (existing != null && "succeeded".equals(existing.status())) {
            return; // done before a crash; nothing to repeat
        }
        String level = tenant.backupPolicy().encryptionLevel();
        String location = tenant.backupPolicy().storageLocation();
        backups.started(backupId, tenant.tenantId(), operationId, kind, tenant.databaseName(), location, level,
                BackupKeys.usesDataKey(level));
        long started = System.nanoTime();
        Path partial = storage.staging(location, tenant.tenantId())
                .resolve(STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-" + backupId + ".dump.enc.partial");
        Path log = Files.createTempFile("pg_dump", ".log");
        try {
            StreamingAead aead = keys.forEncryption(tenant.tenantId(), level);
            // A session holding an exclusive lock must not stall a backup worker for ever.
            PostgresCluster cluster = clusters.of(tenant);
            Process dump = start(log, cluster, pgTools.pgDump(cluster.serverMajorVersion()).toString(), "--format=custom",
                    "--compress=6", "--lock-wait-timeout=120000", "--dbname", tenant.databaseName());
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            try (InputStream plain = dump.getInputStream();
                 OutputStream encrypted = aead.newEncryptingStream(
                         new DigestOutputStream(Files.newOutputStream(partial), sha256), associatedData(backupId))) {
                plain.transferTo(encrypted);
            }
            finish(dump, log, "pg_dump");
            long size = Files.size(partial);
            byte[] digest = sha256.digest();
            BackupStorage.Kept kept = storage.keep(tenant, backupId, location, partial, size, digest);
            backups.succeeded(backupId, kept.location(), kept.storageClass(), size, HexFormat.of().formatHex(digest));
            metrics.succeeded(tenant.databaseName(), Duration.ofNanos(System.nanoTime() - started), size);
            LOG.info("Backup {} of tenant {} written: {} bytes", backupId, tenant.tenantId(), size);
        } catch (Exception e) {
            storage.abandon(backupId, partial);
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            backups.failed(backupId, reason);
            metrics.failed(tenant.databaseName(), Duration.ofNanos(System.nanoTime() - started));
            LOG.warn("Backup {} of tenant {} failed: {}", backupId, tenant.tenantId(), reason);
            throw e;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** A PostgreSQL client tool run against the cluster as the platform login. */
    private static Process start(Path log, PostgresCluster cluster, String... command) throws IOException {
        return start(log, cluster, Map.of("PGUSER", cluster.user(),
                "PGPASSWORD", cluster.password() == null ? "" : cluster.password()), command);
    }

    /** A PostgreSQL client tool run against the cluster; the login, password and TLS settings in the environment only. */
    private static Process start(Path log, PostgresCluster cluster, Map<String, String> login, String... command)
            throws IOException {
        String[] arguments = new String[command.length + 7];
        System.arraycopy(command, 0, arguments, 0, command.length);
        String[] connection = {"--host", cluster.host(), "--port", Integer.toString(cluster.port()), "--username",
                login.get("PGUSER"), "--no-password"};
        System.arraycopy(connection, 0, arguments, command.length, connection.length);
        ProcessBuilder builder = new ProcessBuilder(arguments).redirectError(log.toFile());
        if (command[0].endsWith("pg_restore")) {
            builder.redirectOutput(log.toFile());
        }
        builder.environment().put("PGPASSWORD", login.get("PGPASSWORD"));
        builder.environment().put("PGCONNECT_TIMEOUT", "10");
        builder.environment().remove("PGOPTIONS"); // the service's own must not reach the tools
        if (login.containsKey("PGOPTIONS")) {
            builder.environment().put("PGOPTIONS", login.get("PGOPTIONS"));
        }
        // TLS as for the service's own connections; a PGSSL* of the service's own environment must not leak in.
        builder.environment().keySet().removeIf(name -> name.startsWith("PGSSL"));
        builder.environment().putAll(cluster.tls().libpqEnvironment());
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

    /** The backup decrypted into {@code target}, a new database of the tenant's. */
    void restore(TenantRecord tenant, Backup backup, String target) throws Exception {
        databases.dropNamed(tenant.tenantId(), target); // a half-restored copy from an interrupted attempt
        databases.createNamed(tenant, target);
        StreamingAead aead = keys.forDecryption(backup);
        PostgresCluster cluster = clusters.of(tenant);
        steward.session(cluster, tenant.tenantId(), target, () -> {
            Path log = Files.createTempFile("pg_restore", ".log");
            // Opened before pg_restore starts: a store that cannot be reached fails here, with nothing to stop.
            try (InputStream encrypted = storage.open(backup)) {
                Process restore = startRestore(log, tenant, target);
                try (InputStream plain = aead.newDecryptingStream(encrypted, associatedData(backup.backupId()));
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
            return null;
        });
        privileges.grantOn(tenant, target);
        LOG.info("Backup {} of tenant {} restored into {}", backup.backupId(), tenant.tenantId(), target);
    }

    /**
     * pg_restore into {@code target} on the record's cluster, all or nothing, logged in as the tenant's
     * steward (within its session) acting as its admin role: a CHECK, default or trigger of the tenant's
     * that runs during the restore (and resets the role) runs with the tenant's rights, never the
     * platform's, and every statement is bounded by the steward's statement timeout.
     */
    private Process startRestore(Path log, TenantRecord tenant, String target) throws IOException, SQLException {
        PostgresCluster cluster = clusters.of(tenant);
        return start(log, cluster, steward.libpqLogin(tenant.tenantId()),
                pgTools.pgRestore(cluster.serverMajorVersion()).toString(), "--dbname", target,
                "--no-owner", "--role", TenantNaming.roleName(tenant.tenantId(), TenantRole.TENANT_ADMIN),
                "--exit-on-error", "--single-transaction");
    }

    /**
     * A move's copy: the tenant's database on {@code source}'s cluster dumped straight into {@code
     * target}, a new database of the tenant's on {@code target}'s cluster, created and granted as at
     * provisioning. Nothing is written to disk; a half-made copy from an earlier attempt is dropped first.
     */
    public void copy(TenantRecord source, TenantRecord target, String database) throws Exception {
        databases.dropNamedOn(target, database);
        databases.createNamed(target, database);
        steward.session(clusters.of(target), target.tenantId(), database, () -> {
            Path dumpLog = Files.createTempFile("pg_dump", ".log");
            Path restoreLog = Files.createTempFile("pg_restore", ".log");
            try {
                PostgresCluster from = clusters.of(source);
                Process dump = start(dumpLog, from, pgTools.pgDump(from.serverMajorVersion()).toString(),
                        "--format=custom", "--compress=0", "--lock-wait-timeout=120000", "--dbname",
                        source.databaseName());
                Process restore = startRestore(restoreLog, target, database);
                try (InputStream plain = dump.getInputStream(); OutputStream stdin = restore.getOutputStream()) {
                    plain.transferTo(stdin);
                } catch (IOException e) {
                    dump.destroy();
                    restore.destroy();
                    throw e;
                }
                finish(dump, dumpLog, "pg_dump");
                finish(restore, restoreLog, "pg_restore");
            } finally {
                Files.deleteIfExists(dumpLog);
                Files.deleteIfExists(restoreLog);
            }
            return null;
        });
        privileges.grantOn(target, database);
        LOG.info("Database {} of tenant {} copied from cluster {} to cluster {}", source.databaseName(),
                source.tenantId(), source.cluster(), target.cluster());
    }

    /** What an unfinished backup left (on disk, in the object store), removed. */
    void discard(UUID backupId) throws IOException {
        Backup backup = backups.find(backupId).orElse(null);
        if (backup != null && !"succeeded".equals(backup.status())) {
            storage.discard(backup);
        }
    }

    /** Binds a backup file to its id: a file renamed or swapped for another does not decrypt. */
    private static byte[] associatedData(UUID backupId) {
        return ("tenant-onboarding backup " + backupId).getBytes(StandardCharsets.UTF_8);
    }
}
