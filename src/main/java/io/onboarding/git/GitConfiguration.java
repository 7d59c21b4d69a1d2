package io.onboarding.git;

import io.onboarding.secrets.SecretStore;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/** Tenant Git repositories: bare repositories under GIT_ROOT, or a Git server when GIT_SERVER_URL is set. */
public class GitConfiguration implements CamelConfiguration {

    @BindToRegistry("gitRepositoryRecords")
    public GitRepositoryRecords gitRepositoryRecords(DataSource controlPlane) {
        return new GitRepositoryRecords(controlPlane);
    }

    @BindToRegistry("tenantGitRepositories")
    public TenantGitRepositories tenantGitRepositories(CamelContext camel, GitRepositoryRecords records,
            SecretStore secrets,
            @PropertyInject("onboarding.git-root") String gitRoot,
            @PropertyInject("onboarding.git.public-base-url") String publicBaseUrl,
            @PropertyInject("onboarding.git.server.enabled") boolean serverEnabled,
            @PropertyInject("onboarding.git.server-url") String serverUrl,
            @PropertyInject("onboarding.git.server-org") String serverOrg,
            @PropertyInject("onboarding.git.on-destroy") String onDestroy) {
        GitHost host = serverEnabled
                ? new GitServerHost(new GitServerClient(camel), secrets, serverUrl, serverOrg)
                : new LocalGitHost(Path.of(gitRoot), publicBaseUrl);
        return new TenantGitRepositories(host, records, secrets, onDestroy);
    }
}
