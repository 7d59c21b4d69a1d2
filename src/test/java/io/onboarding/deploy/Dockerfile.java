package io.onboarding.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile as its instructions (continuation lines joined, comments dropped), stage by stage, and
 * its global build arguments (the {@code ARG}s before the first {@code FROM}) with their defaults.
 */
final class Dockerfile {

    record Instruction(String keyword, String arguments) {
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");

    private final Map<String, String> globalArgs = new LinkedHashMap<>();
    private final List<List<Instruction>> stages = new ArrayList<>();

    private Dockerfile(List<String> lines) {
        StringBuilder pending = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty() && pending.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            add(pending.toString().strip());
            pending.setLength(0);
        }
    }

    static Dockerfile read(Path file) throws IOException {
        return new Dockerfile(Files.readAllLines(file));
    }

    private void add(String text) {
        int space = text.indexOf(' ');
        Instruction instruction = new Instruction(text.substring(0, space).toUpperCase(Locale.ROOT),
                text.substring(space + 1).strip());
        if (instruction.keyword().equals("FROM")) {
            stages.add(new ArrayList<>());
        } else if (stages.isEmpty()) {
            if (!instruction.keyword().equals("ARG")) {
                throw new IllegalArgumentException("before the first FROM: " + text);
            }
            String[] arg = instruction.arguments().split("=", 2);
            globalArgs.put(arg[0], arg.length > 1 ? arg[1] : null);
            return;
        }
        stages.get(stages.size() - 1).add(instruction);
    }

    /** The global build arguments and their defaults (null when an argument has none). */
    Map<String, String> globalArgs() {
        return globalArgs;
    }

    /** Every stage's FROM argument as written (without {@code AS name}), e.g. {@code ${RUNTIME_IMAGE}}. */
    List<String> fromLines() {
        return stages.stream().map(stage -> stage.get(0).arguments().split("\\s+")[0]).toList();
    }

    /** Every stage's name ({@code AS name}), or null. */
    List<String> stageNames() {
        return stages.stream().map(stage -> {
            String[] words = stage.get(0).arguments().split("\\s+");
            return words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
        }).toList();
    }

    /** Every stage's base with the global arguments' defaults put in: an image, an earlier stage or scratch. */
    List<String> baseImages() {
        return fromLines().stream().map(this::withDefaults).toList();
    }

    /** The images pulled with the default arguments: bases that are neither scratch nor an earlier stage. */
    List<String> externalBaseImages() {
        List<String> names = stageNames();
        return baseImages().stream().filter(base -> !base.equals("scratch") && !names.contains(base)).toList();
    }

    private String withDefaults(String text) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String value = globalArgs.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException(text + ": no default for " + matcher.group(1));
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        return matcher.appendTail(resolved).toString();
    }

    /** The arguments of every instruction with this keyword in the final (runtime) stage. */
    List<String> runtime(String keyword) {
        return stages.get(stages.size() - 1).stream().filter(i -> i.keyword().equals(keyword))
                .map(Instruction::arguments).toList();
    }
}
