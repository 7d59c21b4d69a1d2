package io.onboarding.cli;

import static io.onboarding.cli.OnboardingApi.query;
import static io.onboarding.cli.OnboardingApi.segment;

import io.onboarding.cli.Output.Column;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code tenants create|list|show|update|approve|reject|suspend|resume|destroy|move}: {@code /api/v1/tenants}. */
@Command(name = "tenants", description = "Onboard, list, show, change, approve or reject, suspend, resume, destroy and move tenants.")
final class TenantsCommand {

    static final String WAIT = "Follow the operation: a line per step as it finishes, then the final status"
            + " (exit code 1 if it failed).";
    private static final List<Column> COLUMNS = List.of(Column.of("tenant_id"), Column.of("tenant_name"),
            Column.of("plan"), Column.of("region"), Column.of("status"), Column.of("created_at"));

    @ParentCommand
    private OnboardingCli cli;

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Onboard a tenant (POST /api/v1/tenants); provisioning runs as an operation.")
    int create(@Option(names = "--name", paramLabel = "NAME", description = "tenant_name (required by the API)") String name,
               @Option(names = "--plan", description = "free, standard or enterprise") String plan,
               @Option(names = "--region", description = "one of the configured regions, e.g. local, eu-west-1") String region,
               @Option(names = "--monitoring-level", description = "basic, standard or enterprise (default from the plan)")
               String monitoringLevel,
               @Option(names = "--admin-email", description = "invited as tenant_admin once the tenant is active")
               String adminEmail,
               @Option(names = "--tenant-id", description = "a UUID of your choosing (generated if absent)") String tenantId,
               @Option(names = "--backup-policy", paramLabel = "KEY=VALUE",
                       description = "schedule, retention_days, backup_type, encryption_level, storage_location")
               Map<String, String> backupPolicy,
               @Option(names = "--from-file", paramLabel = "FILE",
                       description = "a JSON request body (e.g. with auth_providers); the options above are set over it")
               Path file,
               @Option(names = "--wait", description = WAIT) boolean wait) {
        RequestBody body = RequestBody.from(file).put("tenant_id", tenantId).put("tenant_name", name).put("plan", plan)
                .put("region", region).put("monitoring_level", monitoringLevel).put("admin_email", adminEmail)
                .put("backup_policy", backupPolicy);
        return cli.started(cli.api().post("/api/v1/tenants", body.json()), wait);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants (GET /api/v1/tenants).")
    int list(@Option(names = "--status", description = "awaiting_approval, provisioning, active, failed, suspended,"
                     + " destroying or destroyed") String status,
             @Option(names = "--plan") String plan,
             @Option(names = "--limit", description = "at most this many (the API's default 50)") Integer limit,
             @Option(names = "--cursor", description = "the next page, as the previous page said") String cursor) {
        cli.output().list(cli.api().get("/api/v1/tenants", query("status", status, "plan", plan,
                "limit", limit == null ? null : limit.toString(), "cursor", cursor)), COLUMNS);
        return OnboardingCli.DONE;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A tenant with its database, roles and warnings (GET /api/v1/tenants/{id}).")
    int show(@Parameters(paramLabel = "TENANT_ID") String tenantId) {
        cli.output().object(cli.api().get(path(tenantId)));
        return OnboardingCli.DONE;
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change plan, monitoring level or backup policy (PATCH /api/v1/tenants/{id}).")
    int update(@Parameters(paramLabel = "TENANT_ID") String tenantId,
               @Option(names = "--plan") String plan,
               @Option(names = "--monitoring-level") String monitoringLevel,
               @Option(names = "--backup-policy", paramLabel = "KEY=VALUE") Map<String, String> backupPolicy,
               @Option(names = "--wait", description = WAIT) boolean wait) {
        RequestBody body = RequestBody.empty().put("plan", plan).put("monitoring_level", monitoringLevel)
                .put("backup_policy", backupPolicy);
        return cli.started(cli.api().patch(path(tenantId), body.json()), wait);
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Let an onboarding awaiting approval go on (POST .../approve); audited.")
    int approve(@Parameters(paramLabel = "TENANT_ID") String tenantId,
                @Option(names = "--by", paramLabel = "WHO", description = "approved_by (default: the token's name)") String by,
                @Option(names = "--note", description = "kept with the decision") String note,
                @Option(names = "--wait", description = WAIT) boolean wait) {
        RequestBody body = RequestBody.empty().put("approved_by", by).put("note", note);
        return cli.started(cli.api().post(path(tenantId) + "/approve", body.json()), wait);
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "End an onboarding awaiting approval as failed, nothing left (POST .../reject); audited.")
    int reject(@Parameters(paramLabel = "TENANT_ID") String tenantId,
               @Option(names = "--reason", description = "why (required by the API)") String reason,
               @Option(names = "--by", paramLabel = "WHO", description = "rejected_by (default: the token's name)") String by,
               @Option(names = "--wait", description = WAIT) boolean wait) {
        RequestBody body = RequestBody.empty().put("rejected_by", by).put("reason", reason);
        return cli.started(cli.api().post(path(tenantId) + "/reject", body.json()), wait);
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true, description = "Block the tenant database's connections (POST .../suspend).")
    int suspend(@Parameters(paramLabel = "TENANT_ID") String tenantId,
                @Option(names = "--reason") String reason,
                @Option(names = "--wait", description = WAIT) boolean wait) {
        RequestBody body = RequestBody.empty().put("reason", reason);
        return cli.started(cli.api().post(path(tenantId) + "/suspend", body.isEmpty() ? null : body.json()), wait);
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Allow the tenant database's connections again (POST .../resume).")
    int resume(@Parameters(paramLabel = "TENANT_ID") String tenantId,
               @Option(names = "--wait", description = WAIT) boolean wait) {
        return cli.started(cli.api().post(path(tenantId) + "/resume", null), wait);
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true, description = "Destroy the tenant, final backup first (DELETE /api/v1/tenants/{id}).")
    int destroy(@Parameters(paramLabel = "TENANT_ID") String tenantId,
                @Option(names = "--confirm", required = true, paramLabel = "TENANT_NAME",
                        description = "the tenant's name, as a safeguard") String confirm,
                @Option(names = "--wait", description = WAIT) boolean wait) {
        return cli.started(cli.api().delete(path(tenantId), query("confirm", confirm)), wait);
    }

    @Command(name = "move", mixinStandardHelpOptions = true, description = "Move the tenant to another PostgreSQL cluster (POST .../move).")
    int move(@Parameters(paramLabel = "TENANT_ID") String tenantId,
             @Option(names = "--cluster", required = true, description = "a cluster of the clusters file") String cluster,
             @Option(names = "--wait", description = WAIT) boolean wait) {
        return cli.started(cli.api().post(path(tenantId) + "/move", RequestBody.empty().put("cluster", cluster).json()),
                wait);
    }

    static String path(String tenantId) {
        return "/api/v1/tenants/" + segment(tenantId);
    }
}
