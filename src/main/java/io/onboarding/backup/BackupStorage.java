package io.onboarding.backup;

import io.onboarding.tenant.TenantRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the encrypted dumps live: {@code $BACKUP_DIR/<storage_location>/<tenant_id>/} on disk, or,
 * for {@code offsite} with an object store configured, {@code s3://<bucket of the tenant's
 * region>/<tenant_id>/<backup_id>.dump.enc}. Every dump is first written encrypted to a
 * {@code .partial} file on disk; keeping it renames it (disk) or uploads and verifies it (object
 * store). Reading and deleting go by the recorded location, so backups made before the store was
 * configured stay readable.
 */
public final class BackupStorage {

    static final String OFFSITE = "offsite";
    private static final Logger LOG = LoggerFactory.getLogger(BackupStorage.class);

    private final Path backupDir;
    private final OffsiteObjectStore store;
    private final ObjectStoreSettings settings;
    private final BackupRepository backups;

    /** {@code store} null: no object store, every location on disk. */
    public BackupStorage(Path backupDir, OffsiteObjectStore store, ObjectStoreSettings settings,
                         BackupRepository backups) {
        this.backupDir = backupDir;
        this.store = store;
        this.settings = settings;
        this.backups = backups;
    }

    /** The directory the dump of a backup in this storage location is written to (and, on disk, kept in). */
    Path staging(String storageLocation, UUID tenantId) throws IOException {
        return Files.createDirectories(directory(storageLocation, tenantId));
    }

    /** Where a backup was kept: its location, and for an object its storage class as the store reports it. */
    record Kept(String location, String storageClass) {
    }

    /**
     * The finished {@code .partial} file kept as the backup. On the object store the file is uploaded
     * to its final key with the configured storage class and verified (size and SHA-256), then removed.
     */
    Kept keep(TenantRecord tenant, UUID backupId, String storageLocation, Path partial, long size, byte[] sha256)
            throws IOException {
        if (!inObjectStore(storageLocation)) {
            Path file = partial.resolveSibling(partial.getFileName().toString().replaceFirst("\\.partial$", ""));
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            return new Kept(file.toString(), null);
        }
        String location = OffsiteObjectStore.location(settings.bucketFor(tenant.region()),
                tenant.tenantId() + "/" + backupId + ".dump.enc");
        // A retried backup whose region now maps to another bucket: the earlier attempt's object first.
        backups.pendingObject(backupId).filter(earlier -> !earlier.equals(location)).ifPresent(store::delete);
        backups.uploading(backupId, location);
        OffsiteObjectStore.Uploaded uploaded = store.upload(location, partial, size, sha256);
        Files.deleteIfExists(partial);
        return new Kept(uploaded.location(), uploaded.storageClass());
    }

    /** The encrypted bytes of a backup. */
    InputStream open(Backup backup) throws IOException {
        if (OffsiteObjectStore.isObject(backup.location())) {
            return objectStore(backup.location()).open(backup.location());
        }
        try {
            return Files.newInputStream(Path.of(backup.location()));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("backup file " + backup.location() + " no longer exists", e);
        }
    }

    /** A kept backup deleted (retention). */
    void delete(Backup backup) throws IOException {
        if (backup.location() == null) {
            return;
        }
        if (OffsiteObjectStore.isObject(backup.location())) {
            objectStore(backup.location()).delete(backup.location());
        } else {
            Files.deleteIfExists(Path.of(backup.location()));
        }
    }

    /**
     * What an unfinished backup left removed: its files in the staging directory, and the object an
     * upload may have written. The object's deletion is best effort: a store that cannot be reached
     * leaves it recorded, for {@link #deleteAbandonedObjects} to retry.
     */
    void discard(Backup backup) throws IOException {
        Path directory = directory(backup.storageLocation(), backup.tenantId());
        if (Files.isDirectory(directory)) {
            try (var files = Files.list(directory)) {
                for (Path file : files.filter(f -> f.getFileName().toString().contains(backup.backupId().toString()))
                        .toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
        deletePendingObject(backup.backupId());
    }

    /** A backup that failed: its partial file, and the object it may have written (best effort). */
    void abandon(UUID backupId, Path partial) throws IOException {
        Files.deleteIfExists(partial);
        deletePendingObject(backupId);
    }

    /** Retention: objects that failed backups could not delete at the time, deleted now. */
    void deleteAbandonedObjects() {
        backups.withAbandonedObjects().forEach(this::deletePendingObject);
    }

    private void deletePendingObject(UUID backupId) {
        String location = backups.pendingObject(backupId).orElse(null);
        if (location == null) {
            return;
        }
        try {
            objectStore(location).delete(location);
            backups.objectRemoved(backupId);
        } catch (RuntimeException e) {
            LOG.warn("Object {} of failed backup {} not deleted yet (the retention job retries): {}", location,
                    backupId, e.getMessage());
        }
    }

    private boolean inObjectStore(String storageLocation) {
        return store != null && OFFSITE.equals(storageLocation);
    }

    private OffsiteObjectStore objectStore(String location) {
        if (store == null) {
            throw new IllegalStateException(location + " is in an object store, and none is configured"
                    + " (BACKUP_S3_BUCKET or onboarding.backup.s3.buckets)");
        }
        return store;
    }

    private Path directory(String storageLocation, UUID tenantId) {
        return backupDir.resolve(storageLocation).resolve(tenantId.toString());
    }
}
