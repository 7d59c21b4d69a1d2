package io.onboarding.git;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** The control plane's table of tenant Git repositories (V9). */
public final class GitRepositoryRecords {

    /** As {@code GET /api/v1/tenants/{id}} shows it under {@code git}. */
    public record GitRepository(String repositoryUrl, OffsetDateTime archivedAt) {
    }

    private final JdbcTemplate jdbc;

    public GitRepositoryRecords(DataSource controlPlane) {
        this.jdbc = new JdbcTemplate(controlPlane);
    }

    public void created(UUID tenantId, String url, String host) {
        jdbc.update("INSERT INTO tenant_git_repositories (tenant_id, repository_name, repository_url, host)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET repository_url = excluded.repository_url,"
                + " host = excluded.host, archived_at = NULL", tenantId, GitNaming.repositoryName(tenantId), url, host);
    }

    public void archived(UUID tenantId, String url) {
        jdbc.update("UPDATE tenant_git_repositories SET repository_url = ?, archived_at = coalesce(archived_at, now())"
                + " WHERE tenant_id = ?", url, tenantId);
    }

    public void removed(UUID tenantId) {
        jdbc.update("DELETE FROM tenant_git_repositories WHERE tenant_id = ?", tenantId);
    }

    public Optional<GitRepository> find(UUID tenantId) {
        return jdbc.query("SELECT repository_url, archived_at FROM tenant_git_repositories WHERE tenant_id = ?",
                (rs, i) -> new GitRepository(rs.getString(1), rs.getObject(2, OffsetDateTime.class)), tenantId)
                .stream().findFirst();
    }
}
