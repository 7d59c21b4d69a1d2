package io.onboarding.cli;

import io.onboarding.cli.Output.Column;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code backups create|list|restore}: {@code /api/v1/tenants/{id}/backups} and {@code .../restore}. */
@Command(name = "backups", description = "Take, list and restore a tenant's backups.")
final class BackupsCommand {

    private static final List<Column> COLUMNS = List.of(Column.of("backup_id"), Column.of("kind"), Column.of("status"),
            Column.of("started_at"), Column.of("completed_at"), Column.of("size_bytes"), Column.of("encrypted"),
            Column.of("location"));

    @ParentCommand
    private OnboardingCli cli;

    @Command(name = "create", mixinStandardHelpOptions = true, description = "A manual backup, run as an operation.")
    int create(@Parameters(paramLabel = "TENANT_ID") String tenantId,
               @Option(names = "--wait", description = TenantsCommand.WAIT) boolean wait) {
        return cli.started(cli.api().post(TenantsCommand.path(tenantId) + "/backups", null), wait);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The tenant's backups, newest first.")
    int list(@Parameters(paramLabel = "TENANT_ID") String tenantId) {
        cli.output().list(cli.api().get(TenantsCommand.path(tenantId) + "/backups"), COLUMNS);
        return OnboardingCli.DONE;
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a backup into a new database (default) or in place"
            + " (--target-database the tenant's own), as an operation.")
    int restore(@Parameters(paramLabel = "TENANT_ID") String tenantId,
                @Option(names = "--backup", required = true, paramLabel = "BACKUP_ID") String backupId,
                @Option(names = "--target-database", paramLabel = "NAME") String targetDatabase,
                @Option(names = "--wait", description = TenantsCommand.WAIT) boolean wait) {
        RequestBody body = RequestBody.empty().put("backup_id", backupId).put("target_database", targetDatabase);
        return cli.started(cli.api().post(TenantsCommand.path(tenantId) + "/restore", body.json()), wait);
    }
}
