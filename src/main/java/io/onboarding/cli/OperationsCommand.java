package io.onboarding.cli;

import static io.onboarding.cli.OnboardingApi.query;
import static io.onboarding.cli.OnboardingApi.segment;

import io.onboarding.cli.Output.Column;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code operations list|show|wait}: {@code /api/v1/operations}. */
@Command(name = "operations", description = "List, show and wait for operations (provisioning, updates, backups...).")
final class OperationsCommand {

    private static final List<Column> COLUMNS = List.of(Column.of("operation_id"), Column.of("type"),
            Column.of("tenant_id"), Column.of("status"), Column.of("created_at"), Column.of("finished_at"));

    @ParentCommand
    private OnboardingCli cli;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List operations, newest first (GET /api/v1/operations).")
    int list(@Option(names = "--tenant", paramLabel = "TENANT_ID") String tenantId,
             @Option(names = "--type", description = "provision, update, suspend, resume, backup, restore, destroy...") String type,
             @Option(names = "--status", description = "running, succeeded or failed") String status,
             @Option(names = "--limit") Integer limit,
             @Option(names = "--cursor", description = "the next page, as the previous page said") String cursor) {
        cli.output().list(cli.api().get("/api/v1/operations", query("tenant_id", tenantId, "type", type,
                "status", status, "limit", limit == null ? null : limit.toString(), "cursor", cursor)), COLUMNS);
        return OnboardingCli.DONE;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "An operation with its steps (GET /api/v1/operations/{id}).")
    int show(@Parameters(paramLabel = "OPERATION_ID") String operationId) {
        cli.output().object(cli.api().get("/api/v1/operations/" + segment(operationId)));
        return OnboardingCli.DONE;
    }

    @Command(name = "wait", mixinStandardHelpOptions = true, description = "Follow an operation until it ends: a line per step, then the final status;"
            + " exit code 0 if it succeeded, 1 if it failed.")
    int await(@Parameters(paramLabel = "OPERATION_ID") String operationId) {
        return new OperationFollower(cli.api(), cli.output()).follow(operationId);
    }
}
