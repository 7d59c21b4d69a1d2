package io.onboarding.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the machine's {@code pg_dump}/{@code pg_restore} whose major version is at least the
 * server's (an older pg_dump refuses a newer server): the configured directory, then PATH, then
 * Debian's {@code /usr/lib/postgresql/<major>/bin}; the newest suitable one wins.
 */
public final class PgTools {

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

    private record Tool(Path path, int major) {
    }

    private final String configuredDirectory;
    private final Map<String, List<Tool>> found = new ConcurrentHashMap<>();

    public PgTools(String configuredDirectory) {
        this.configuredDirectory = configuredDirectory;
    }

    public Path pgDump(int serverMajor) {
        return find("pg_dump", serverMajor);
    }

    public Path pgRestore(int serverMajor) {
        return find("pg_restore", serverMajor);
    }

    private Path find(String name, int serverMajor) {
        List<Tool> tools = found.computeIfAbsent(name, this::scan);
        return tools.stream().filter(tool -> tool.major() >= serverMajor).max(Comparator.comparingInt(Tool::major))
                .map(Tool::path)
                .orElseThrow(() -> new IllegalStateException("no " + name + " of PostgreSQL " + serverMajor
                        + " or newer on this machine (found: " + (tools.isEmpty() ? "none" : tools) + "); install the"
                        + " PostgreSQL " + serverMajor + "+ client tools or set onboarding.backup.pg-bin-dir"));
    }

    private List<Tool> scan(String name) {
        Set<Path> candidates = new LinkedHashSet<>();
        if (configuredDirectory != null && !configuredDirectory.isBlank()) {
            candidates.add(Path.of(configuredDirectory, name));
        }
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!directory.isBlank()) {
                candidates.add(Path.of(directory, name));
            }
        }
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(Path.of("/usr/lib/postgresql"))) {
            versions.forEach(version -> candidates.add(version.resolve("bin").resolve(name)));
        } catch (IOException noDebianLayout) {
            // nothing there
        }
        List<Tool> tools = new ArrayList<>();
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                version(candidate).ifPresent(major -> tools.add(new Tool(candidate.toAbsolutePath(), major)));
            }
        }
        return tools;
    }

    private static Optional<Integer> version(Path tool) {
        try {
            Process process = new ProcessBuilder(tool.toString(), "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return Optional.empty();
            }
            Matcher matcher = VERSION.matcher(output);
            return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
