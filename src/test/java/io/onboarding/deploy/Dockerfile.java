package io.onboarding.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Dockerfile as its instructions (continuation lines joined, comments dropped), stage by stage. */
final class Dockerfile {

    record Instruction(String keyword, String arguments) {
    }

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
        }
        stages.get(stages.size() - 1).add(instruction);
    }

    /** Every stage's base image (the FROM argument without {@code AS name}). */
    List<String> baseImages() {
        return stages.stream().map(stage -> stage.get(0).arguments().split("\\s+")[0]).toList();
    }

    /** The arguments of every instruction with this keyword in the final (runtime) stage. */
    List<String> runtime(String keyword) {
        return stages.get(stages.size() - 1).stream().filter(i -> i.keyword().equals(keyword))
                .map(Instruction::arguments).toList();
    }
}
