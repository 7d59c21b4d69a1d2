package io.onboarding.postgres;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The OS user the embedded PostgreSQL's processes (initdb, pg_ctl, the postmaster and every backend,
 * including a superuser's {@code COPY ... FROM PROGRAM}) run as. Not root: as root the service
 * starts them through {@code setpriv} (util-linux) as the unprivileged user named by
 * {@code onboarding.embedded-postgres.os-user}, which owns nothing of {@code DATA_DIR} but the
 * cluster's directory; otherwise they run as the service's own user.
 */
public record PostgresOsUser(String name, int uid, int gid, List<String> commandPrefix) {

    public static final String SETTING = "onboarding.embedded-postgres.os-user";
    public static final String DEFAULT_NAME = "onboarding-pg";

    /** Whether this process runs as root (uid 0). */
    public static boolean serviceIsRoot() throws IOException {
        return currentUid() == 0;
    }

    static int currentUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /**
     * As root: the named user, who must exist and not be root. Otherwise: the service's own user
     * (the setting is not used).
     */
    public static PostgresOsUser resolve(String configuredName) throws IOException {
        int uid = currentUid();
        if (uid != 0) {
            int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
            return new PostgresOsUser(System.getProperty("user.name"), uid, gid, List.of());
        }
        String name = configuredName == null || configuredName.isBlank() ? DEFAULT_NAME : configuredName.trim();
        String[] entry = passwdEntry(name);
        if (entry == null) {
            throw new IllegalStateException("The service runs as root, so the embedded PostgreSQL runs as the OS user "
                    + SETTING + "=" + name + ", which does not exist. Create it (as root: useradd --system --user-group"
                    + " --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin " + name
                    + "; bin/run and .ci/run do), set " + SETTING + " to an existing unprivileged user, or set PGHOST"
                    + " to use your own PostgreSQL.");
        }
        int pgUid = Integer.parseInt(entry[2]);
        int pgGid = Integer.parseInt(entry[3]);
        if (pgUid == 0 || pgGid == 0) {
            throw new IllegalStateException(SETTING + "=" + name + " is root (uid " + pgUid + ", gid " + pgGid
                    + "): the embedded PostgreSQL must run as an unprivileged OS user that cannot read DATA_DIR's"
                    + " secrets. Name another user.");
        }
        String setpriv = executable("setpriv");
        if (setpriv == null) {
            throw new IllegalStateException("setpriv (Debian package util-linux) not found on PATH: as root the embedded"
                    + " PostgreSQL is started through it as " + SETTING + "=" + name
                    + ". Install util-linux (bin/run does), or set PGHOST to use your own PostgreSQL.");
        }
        // No supplementary groups, no capabilities left anywhere, and nothing it runs (COPY ... FROM PROGRAM)
        // can gain privileges through a setuid binary.
        return new PostgresOsUser(name, pgUid, pgGid, List.of(setpriv, "--reuid=" + pgUid, "--regid=" + pgGid,
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"));
    }

    /** This user's processes run as someone else than the service. */
    public boolean switches() {
        return !commandPrefix.isEmpty();
    }

    /** {@code command} run as this user. */
    public List<String> command(List<String> command) {
        List<String> full = new ArrayList<>(commandPrefix);
        full.addAll(command);
        return full;
    }

    /** {@code name:x:uid:gid:...} from the system's user database (getent: files, LDAP, ...), or null. */
    private static String[] passwdEntry(String name) throws IOException {
        if (!name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
            throw new IllegalStateException(SETTING + "=" + name + " is not a user name");
        }
        Process getent = new ProcessBuilder("getent", "passwd", name).redirectErrorStream(true).start();
        String output = new String(getent.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!getent.waitFor(30, TimeUnit.SECONDS)) {
                getent.destroyForcibly();
                throw new IllegalStateException("getent passwd " + name + " did not answer within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while looking up " + name, e);
        }
        if (getent.exitValue() != 0 || output.isEmpty()) {
            return null;
        }
        String[] fields = output.lines().findFirst().orElse("").split(":");
        return fields.length >= 4 ? fields : null;
    }

    private static String executable(String name) {
        // The system's own directories first: as root nothing on a PATH entry someone else can write is run.
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        dirs.addAll(List.of((path == null ? "" : path).split(File.pathSeparator)));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        return null;
    }
}
