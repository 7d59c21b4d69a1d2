package io.onboarding.support;

import io.onboarding.git.GitNaming;
import io.onboarding.tenant.TenantNaming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Everything of one tenant that can outlive it, looked for where it lands: databases and roles in
 * pg_catalog, secrets in the local store's table, Quartz trigger and job rows (its backup schedule),
 * its Git repository under GIT_ROOT (an archived one under {@code archive/} is not counted), and any
 * file named for it under the monitoring directories. A failed or destroyed tenant must have none.
 */
public final class TenantLeftovers {

    private final Catalog catalog;
    private final Path gitRoot;
    private final List<Path> monitoringDirs;

    public TenantLeftovers(Catalog catalog, Path gitRoot, Path... monitoringDirs) {
        this.catalog = catalog;
        this.gitRoot = gitRoot;
        this.monitoringDirs = List.of(monitoringDirs);
    }

    /** What is there of the tenant, one line per thing; empty when nothing is. */
    public List<String> of(UUID tenantId) {
        String prefix = TenantNaming.databaseName(tenantId).replace("_", "\\_");
        List<String> found = new ArrayList<>();
        catalog.column("postgres", "SELECT datname FROM pg_database WHERE datname LIKE ? || '%'", prefix)
                .forEach(name -> found.add("database " + name));
        catalog.column("postgres", "SELECT rolname FROM pg_roles WHERE rolname LIKE ? || '%'", prefix)
                .forEach(name -> found.add("role " + name));
        catalog.platform("SELECT path FROM secrets WHERE path LIKE '%' || ? || '%'", tenantId.toString())
                .forEach(path -> found.add("secret " + path));
        catalog.platform("SELECT trigger_name FROM qrtz_triggers WHERE trigger_name = ?", tenantId.toString())
                .forEach(name -> found.add("backup trigger " + name));
        catalog.platform("SELECT job_name FROM qrtz_job_details WHERE job_name = ?", tenantId.toString())
                .forEach(name -> found.add("backup job " + name));
        if (gitRoot != null && Files.exists(gitRoot.resolve(GitNaming.repositoryName(tenantId) + ".git"))) {
            found.add("git repository " + GitNaming.repositoryName(tenantId));
        }
        for (Path dir : monitoringDirs) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(file -> file.getFileName().toString().contains(tenantId.toString()))
                            .forEach(file -> found.add("monitoring file " + dir.relativize(file)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return found;
    }
}
