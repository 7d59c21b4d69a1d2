package io.onboarding.operation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A pipeline's steps in the order the YAML lists them (the order the journal and the API show), each
 * with the steps it needs finished before it starts. A step declares them in its pipeline line,
 * {@code step:NAME?needs=A,B}; without {@code needs} it needs the step listed before it, so a pipeline
 * that declares none runs one step after another. Needs may only name steps listed earlier, so the
 * graph can have no cycle and the listed order is one the steps can run in.
 */
record StepGraph(String pipeline, List<Step> steps) {

    /** One step: its name, the endpoint the pipeline sends to, and what it needs. */
    record Step(String name, String uri, Set<String> needs) {
    }

    StepGraph {
        steps = List.copyOf(steps);
    }

    List<String> names() {
        return steps.stream().map(Step::name).toList();
    }

    /**
     * The graph of the pipeline's step endpoint URIs, in order; a broken declaration (a step listed
     * twice, {@code needs} naming no step, a step not listed before it, or the step itself) is an
     * {@link IllegalStateException} naming pipeline and step.
     */
    static StepGraph of(String pipeline, List<String> uris) {
        List<Step> steps = new ArrayList<>();
        Set<String> earlier = new HashSet<>();
        String previous = null;
        for (String uri : uris) {
            String name = nameOf(uri);
            if (earlier.contains(name)) {
                throw broken(pipeline, name, "listed twice");
            }
            String declared = needsOf(uri);
            Set<String> needs = new LinkedHashSet<>();
            if (declared == null) {
                if (previous != null) {
                    needs.add(previous);
                }
            } else {
                for (String need : declared.split(",")) {
                    String trimmed = need.trim();
                    if (!earlier.contains(trimmed)) {
                        throw broken(pipeline, name, "needs " + (trimmed.isEmpty() ? "an empty name" : trimmed)
                                + ", which is not a step listed before it in this pipeline (needs name earlier"
                                + " steps only, so there can be no cycle)");
                    }
                    needs.add(trimmed);
                }
            }
            steps.add(new Step(name, uri, Set.copyOf(needs)));
            earlier.add(name);
            previous = name;
        }
        return new StepGraph(pipeline, steps);
    }

    /** {@code step:NAME?…} → NAME. */
    static String nameOf(String uri) {
        String rest = uri.substring(OperationPipelines.STEP_SCHEME.length());
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }

    /** The {@code needs} of {@code step:NAME?needs=A,B}, or null when not declared. */
    private static String needsOf(String uri) {
        int query = uri.indexOf('?');
        if (query < 0) {
            return null;
        }
        for (String parameter : uri.substring(query + 1).split("&")) {
            if (parameter.startsWith("needs=")) {
                return parameter.substring("needs=".length());
            }
        }
        return null;
    }

    private static IllegalStateException broken(String pipeline, String step, String problem) {
        return new IllegalStateException("pipeline " + pipeline + ", step " + step + ": " + problem);
    }
}
