package io.onboarding.backup;

import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.HttpReplies;
import io.onboarding.kit.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;

/** HTTP handlers for {@code /api/v1/tenants/{id}/backups} and {@code /restore}. */
public final class BackupApi {

    private final TenantBackups backups;

    public BackupApi(TenantBackups backups) {
        this.backups = backups;
    }

    public void create(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        HttpReplies.operationStarted(exchange, tenantId, backups.launchManual(tenantId), "backup");
    }

    public void restore(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        HttpReplies.operationStarted(exchange, tenantId, backups.launchRestore(tenantId,
                Json.parse(exchange.getMessage().getBody(String.class))), "restore");
    }

    public void list(Exchange exchange) {
        UUID tenantId = ApiRequests.uuid(exchange, "tenantId", "tenant_id");
        HttpReplies.json(exchange, 200, Map.of("items", backups.list(tenantId).stream().map(backup -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("backup_id", backup.backupId());
            item.put("kind", backup.kind());
            item.put("status", backup.status());
            item.put("started_at", backup.startedAt());
            item.put("completed_at", backup.completedAt());
            item.put("size_bytes", backup.sizeBytes());
            item.put("location", backup.location());
            item.put("encrypted", backup.encrypted());
            item.put("encryption_level", backup.encryptionLevel());
            item.put("storage_location", backup.storageLocation());
            item.put("storage_class", backup.storageClass());
            item.put("checksum_sha256", backup.checksumSha256());
            item.put("error", backup.error());
            return item;
        }).toList()));
    }
}
