package io.onboarding.operation;

/**
 * What undoes a step, as its declaration says ({@code undo} of the step template): an endpoint
 * that is sent the {@link StepContext}; nothing, because there is nothing of its own to undo (it
 * goes with another step's undo, or is a plain re-application); or nothing can, so a failed
 * operation that got past it says {@code compensated: false} and names it.
 */
public sealed interface StepUndo {

    record Endpoint(String uri) implements StepUndo {
    }

    record NothingToUndo(String why) implements StepUndo {
    }

    record Irreversible(String why) implements StepUndo {
    }

    /** {@code nothing: <why>}, {@code irreversible: <why>}, or an endpoint URI. */
    static StepUndo parse(String declaration) {
        if (declaration == null || declaration.isBlank()) {
            throw new IllegalArgumentException("no undo declared");
        }
        String value = declaration.trim();
        if (value.startsWith("nothing:")) {
            return new NothingToUndo(reason(value, "nothing:"));
        }
        if (value.startsWith("irreversible:")) {
            return new Irreversible(reason(value, "irreversible:"));
        }
        return new Endpoint(value);
    }

    private static String reason(String value, String prefix) {
        String why = value.substring(prefix.length()).trim();
        if (why.isEmpty()) {
            throw new IllegalArgumentException("'" + prefix + "' needs a reason");
        }
        return why;
    }
}
