package io.onboarding.git;

import io.onboarding.tenant.TenantConflictException;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRecord;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FileUtils;

/**
 * Bare repositories under GIT_ROOT ({@code tenant-<32 hex>.git}), made with JGit. A repository is
 * built under a {@code .partial-} name and renamed into place when complete, so one under the final
 * name is whole; it carries the tenant as {@code onboarding.tenant} in its config (our mark). A
 * {@code pre-receive} hook refuses pushes: the {@code file://} URL (or {@code git daemon}, for which
 * {@code git-daemon-export-ok} is written) serves it read-only. Archived repositories move to
 * {@code GIT_ROOT/archive/}.
 */
final class LocalGitHost implements GitHost {

    static final String BRANCH = "main";
    private static final PersonIdent AUTHOR = new PersonIdent("tenant-onboarding", "tenant-onboarding@localhost");

    private final Path root;
    private final String publicBaseUrl;

    LocalGitHost(Path root, String publicBaseUrl) {
        this.root = root.toAbsolutePath().normalize();
        this.publicBaseUrl = publicBaseUrl == null ? "" : publicBaseUrl.replaceAll("/+$", "");
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public String create(TenantRecord tenant) throws Exception {
        Path repository = repository(tenant.tenantId());
        if (Files.exists(repository)) {
            requireOurs(repository, tenant.tenantId());
            return url(tenant.tenantId());
        }
        Path partial = root.resolve(".partial-" + repository.getFileName());
        FileUtils.delete(partial.toFile(), FileUtils.RECURSIVE | FileUtils.SKIP_MISSING);
        Files.createDirectories(root);
        try (Git git = Git.init().setBare(true).setInitialBranch(BRANCH).setDirectory(partial.toFile()).call()) {
            Repository repo = git.getRepository();
            StoredConfig config = repo.getConfig();
            config.setString("onboarding", null, "tenant", tenant.tenantId().toString());
            config.save();
            commit(repo, InitialContent.files(tenant));
            Files.writeString(partial.resolve("description"), TenantNaming.ownerMarker(tenant.tenantId()) + "\n");
            Files.createFile(partial.resolve("git-daemon-export-ok"));
            Path hook = partial.resolve("hooks").resolve("pre-receive");
            Files.createDirectories(hook.getParent());
            Files.writeString(hook, "#!/bin/sh\necho 'read-only: this repository is managed by tenant-onboarding' >&2\nexit 1\n");
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.move(partial, repository, StandardCopyOption.ATOMIC_MOVE);
        return url(tenant.tenantId());
    }

    @Override
    public void remove(UUID tenantId) throws IOException {
        Path repository = repository(tenantId);
        if (Files.exists(repository) && isOurs(repository, tenantId)) {
            FileUtils.delete(repository.toFile(), FileUtils.RECURSIVE);
        }
        FileUtils.delete(root.resolve(".partial-" + repository.getFileName()).toFile(),
                FileUtils.RECURSIVE | FileUtils.SKIP_MISSING);
    }

    @Override
    public Optional<String> archive(UUID tenantId) throws IOException {
        Path repository = repository(tenantId);
        Path archived = root.resolve("archive").resolve(repository.getFileName());
        if (Files.exists(repository) && isOurs(repository, tenantId)) {
            Files.createDirectories(archived.getParent());
            Files.move(repository, archived, StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.exists(archived) ? Optional.of(fileUrl(archived)) : Optional.empty();
    }

    private static void commit(Repository repo, Map<String, byte[]> files) throws IOException {
        try (ObjectInserter inserter = repo.newObjectInserter()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                DirCacheEntry entry = new DirCacheEntry(file.getKey());
                entry.setFileMode(FileMode.REGULAR_FILE);
                entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, file.getValue()));
                builder.add(entry);
            }
            builder.finish();
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(index.writeTree(inserter));
            commit.setAuthor(AUTHOR);
            commit.setCommitter(AUTHOR);
            commit.setMessage(InitialContent.MESSAGE + "\n");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate update = repo.updateRef(Constants.R_HEADS + BRANCH);
            update.setNewObjectId(id);
            update.setExpectedOldObjectId(ObjectId.zeroId());
            RefUpdate.Result result = update.update();
            if (result != RefUpdate.Result.NEW) {
                throw new IOException("initial commit not recorded on " + BRANCH + ": " + result);
            }
        }
    }

    private void requireOurs(Path repository, UUID tenantId) throws IOException {
        if (!isOurs(repository, tenantId)) {
            throw new TenantConflictException("Git repository " + repository + " already exists and does not belong"
                    + " to tenant " + tenantId);
        }
    }

    @Override
    public Optional<java.util.Map<UUID, String>> owned() throws IOException {
        java.util.Map<UUID, String> owned = new java.util.HashMap<>();
        if (!Files.isDirectory(root)) {
            return Optional.of(owned);
        }
        try (java.util.stream.Stream<Path> entries = Files.list(root)) {
            for (Path repository : entries.filter(path -> path.getFileName().toString().matches("tenant-[0-9a-f]{32}\\.git"))
                    .toList()) {
                String tenant = markOf(repository);
                if (tenant != null) {
                    try {
                        owned.put(UUID.fromString(tenant), repository.getFileName().toString());
                    } catch (IllegalArgumentException notOurs) {
                        // a mark that is not a tenant id: not ours to report
                    }
                }
            }
        }
        return Optional.of(owned);
    }

    private static boolean isOurs(Path repository, UUID tenantId) throws IOException {
        return tenantId.toString().equals(markOf(repository));
    }

    /** The {@code onboarding.tenant} of a bare repository's config, or null. */
    private static String markOf(Path repository) throws IOException {
        File dir = repository.toFile();
        if (!Files.isRegularFile(repository.resolve("config"))) {
            return null;
        }
        try (Repository repo = new FileRepositoryBuilder().setGitDir(dir).setBare().build()) {
            return repo.getConfig().getString("onboarding", null, "tenant");
        }
    }

    private Path repository(UUID tenantId) {
        return root.resolve(GitNaming.repositoryName(tenantId) + ".git");
    }

    /** {@code onboarding.git.public-base-url}/NAME.git when set (e.g. git daemon), else {@code file://}. */
    String url(UUID tenantId) {
        Path repository = repository(tenantId);
        return publicBaseUrl.isEmpty() ? fileUrl(repository) : publicBaseUrl + "/" + repository.getFileName();
    }

    private static String fileUrl(Path path) {
        return "file://" + path.toAbsolutePath();
    }
}
