package io.onboarding.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads README.md and docs/*.md of a repository and lists every link or path that leaves it, and
 * every relative link to a file (or a heading) that does not exist. Headings are matched the way
 * GitHub names their anchors.
 */
final class DocsLinks {

    /** An http(s) URL anywhere, code included (a curl example is a link a reader follows too). */
    private static final Pattern WEB_URL = Pattern.compile("(?i)\\bhttps?://(\\[[^\\]]*\\]|[^/\\s:`'\")>\\]]+)");
    private static final Pattern BARE_WWW = Pattern.compile("(?i)(?<![\\w./-])www\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)+");
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
    /** Inline links and images: [text](target "title"); reference definitions: [label]: target. */
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    /** A ../ path anywhere, code included: resolved from the document's directory. */
    private static final Pattern PARENT_PATH = Pattern.compile("(?<![\\w.])((?:\\.\\./)+[^\\s`'\")\\]>]*)");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");

    private final Path root;
    private final Set<String> expectedElsewhere;
    private final Map<Path, Set<String>> anchors = new HashMap<>();

    /**
     * @param expectedElsewhere repository-relative paths (e.g. {@code docs/api.md}) that may be
     *                          linked before they exist, because another branch brings them
     */
    DocsLinks(Path root, Set<String> expectedElsewhere) {
        this.root = root.toAbsolutePath().normalize();
        this.expectedElsewhere = expectedElsewhere;
    }

    /** README.md and every docs/*.md, repository-relative. */
    List<Path> documents() {
        List<Path> documents = new ArrayList<>();
        if (Files.isRegularFile(root.resolve("README.md"))) {
            documents.add(root.resolve("README.md"));
        }
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.list(docs)) {
                files.filter(file -> file.getFileName().toString().endsWith(".md")).sorted().forEach(documents::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return documents;
    }

    /** Every problem in every document, as {@code file:line: what}. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Path document : documents()) {
            problems.addAll(problems(document));
        }
        return problems;
    }

    List<String> problems(Path document) {
        List<String> problems = new ArrayList<>();
        List<String> lines = read(document);
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = root.relativize(document) + ":" + (i + 1) + ": ";
            webLinks(line).forEach(problem -> problems.add(where + problem));
            parentPaths(document, line).forEach(problem -> problems.add(where + problem));
            if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            String text = CODE_SPAN.matcher(line).replaceAll("");
            List<String> targets = new ArrayList<>();
            Matcher inline = INLINE_LINK.matcher(text);
            while (inline.find()) {
                targets.add(inline.group(1));
            }
            Matcher definition = REFERENCE_DEFINITION.matcher(text);
            if (definition.matches()) {
                targets.add(definition.group(1));
            }
            for (String target : targets) {
                String problem = linkProblem(document, target);
                if (problem != null) {
                    problems.add(where + problem);
                }
            }
        }
        return problems;
    }

    private static List<String> webLinks(String line) {
        List<String> problems = new ArrayList<>();
        Matcher url = WEB_URL.matcher(line);
        while (url.find()) {
            if (!LOCAL_HOSTS.contains(url.group(1).toLowerCase(Locale.ROOT))) {
                problems.add("links outside the repository: " + url.group());
            }
        }
        Matcher www = BARE_WWW.matcher(line);
        while (www.find()) {
            problems.add("links outside the repository: " + www.group());
        }
        return problems;
    }

    private List<String> parentPaths(Path document, String line) {
        List<String> problems = new ArrayList<>();
        Matcher path = PARENT_PATH.matcher(line);
        while (path.find()) {
            Path resolved = document.getParent().resolve(path.group(1)).normalize();
            if (!resolved.startsWith(root)) {
                problems.add("path leaves the repository: " + path.group(1));
            }
        }
        return problems;
    }

    /** Null when the link is fine. */
    private String linkProblem(Path document, String target) {
        if (SCHEME.matcher(target).find()) {
            String scheme = target.substring(0, target.indexOf(':')).toLowerCase(Locale.ROOT);
            // http(s) to localhost is reported (or not) by webLinks; any other scheme leaves.
            return scheme.equals("http") || scheme.equals("https") ? null : "links outside the repository: " + target;
        }
        if (target.startsWith("/")) {
            return "absolute link (use a path relative to the document): " + target;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
        if (!resolved.startsWith(root)) {
            return "link leaves the repository: " + target;
        }
        if (!Files.exists(resolved)) {
            String relative = root.relativize(resolved).toString().replace('\\', '/');
            return expectedElsewhere.contains(relative) ? null : "link to a file that does not exist: " + target;
        }
        if (anchor != null && !anchor.isEmpty() && resolved.toString().endsWith(".md")
                && !anchorsOf(resolved).contains(anchor)) {
            return "link to a heading that does not exist: " + target;
        }
        return null;
    }

    /** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces to dashes. */
    Set<String> anchorsOf(Path document) {
        return anchors.computeIfAbsent(document, file -> {
            Set<String> names = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            boolean inFence = false;
            for (String line : read(file)) {
                if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                    inFence = !inFence;
                    continue;
                }
                Matcher heading = HEADING.matcher(line);
                if (inFence || !heading.matches()) {
                    continue;
                }
                String slug = slug(heading.group(2));
                int count = seen.merge(slug, 1, Integer::sum);
                names.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
            return names;
        });
    }

    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
