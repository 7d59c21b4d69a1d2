package io.onboarding.cli;

import static io.onboarding.cli.OnboardingApi.segment;

import io.onboarding.cli.Output.Column;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code users invite|list|remove|rotate|invitation-link}: {@code /api/v1/tenants/{id}/users}. */
@Command(name = "users", description = "Invite, list, remove a tenant's users and rotate their credentials.")
final class UsersCommand {

    private static final List<Column> COLUMNS = List.of(Column.of("user_id"), Column.of("email"), Column.of("role"),
            Column.of("database_user"), Column.of("status"), Column.of("created_at"));

    @ParentCommand
    private OnboardingCli cli;

    @Command(name = "invite", mixinStandardHelpOptions = true, description = "Invite a person: a login role is made and a one-time link mailed.")
    int invite(@Parameters(paramLabel = "TENANT_ID") String tenantId,
               @Option(names = "--email", description = "required by the API") String email,
               @Option(names = "--role", description = "tenant_admin, application_manager, developer or auditor")
               String role,
               @Option(names = "--team", paramLabel = "TEAM", description = "repeat for several") List<String> teams,
               @Option(names = "--invited-by") String invitedBy) {
        RequestBody body = RequestBody.empty().put("email", email).put("role", role).put("teams", teams)
                .put("invited_by", invitedBy);
        cli.output().object(cli.api().post(users(tenantId), body.json()));
        return OnboardingCli.DONE;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The tenant's users (never with a password).")
    int list(@Parameters(paramLabel = "TENANT_ID") String tenantId) {
        cli.output().list(cli.api().get(users(tenantId)), COLUMNS);
        return OnboardingCli.DONE;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Close the user's sessions, drop the login role, delete the credentials.")
    int remove(@Parameters(paramLabel = "TENANT_ID") String tenantId,
               @Parameters(paramLabel = "USER_ID") String userId) {
        cli.output().raw(cli.api().delete(users(tenantId) + "/" + segment(userId), Map.of()));
        cli.output().note("removed user " + userId);
        return OnboardingCli.DONE;
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, description = "A new password now; the user collects it through a new one-time link.")
    int rotate(@Parameters(paramLabel = "TENANT_ID") String tenantId,
               @Parameters(paramLabel = "USER_ID") String userId) {
        cli.output().object(cli.api().post(users(tenantId) + "/" + segment(userId) + "/rotate-credentials", null));
        return OnboardingCli.DONE;
    }

    @Command(name = "invitation-link", mixinStandardHelpOptions = true, description = {
            "Admin only: a new one-time link for a user who has not collected their credentials yet,",
            "to hand over when no mail reaches them (no SMTP_HOST). Earlier links stop working.",
            "Open it (GET) to see what it is for; POST <link>/accept gives the credentials, once."})
    int invitationLink(@Parameters(paramLabel = "TENANT_ID") String tenantId,
                       @Parameters(paramLabel = "USER_ID") String userId) {
        cli.output().object(cli.api().post(users(tenantId) + "/" + segment(userId) + "/invitation-link", null));
        return OnboardingCli.DONE;
    }

    private static String users(String tenantId) {
        return TenantsCommand.path(tenantId) + "/users";
    }
}
