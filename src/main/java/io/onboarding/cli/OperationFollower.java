package io.onboarding.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --wait}: follows an operation with {@code GET /api/v1/operations/{id}?wait=} until it is no
 * longer running, printing a line for each step as it finishes (name, status, duration; again if it
 * is later compensated), then the final status. The long poll answers at once when the operation
 * ends and otherwise after {@link #POLL_SECONDS}, which is also how late a step's line may come.
 */
final class OperationFollower {

    static final int POLL_SECONDS = 1;
    private static final Set<String> FINISHED = Set.of("done", "skipped", "warning", "failed", "compensated");

    private final OnboardingApi api;
    private final Output output;

    OperationFollower(OnboardingApi api, Output output) {
        this.api = api;
        this.output = output;
    }

    /**
     * Exit code 0 if the operation succeeded, 1 if it failed, 4 if it waits for a decision (a step
     * running with a reason: an enterprise onboarding awaiting approval), which no wait would end.
     */
    int follow(String operationId) {
        Map<String, String> shown = new HashMap<>();
        String path = "/api/v1/operations/" + OnboardingApi.segment(operationId);
        while (true) {
            ApiAnswer answer = api.get(path, OnboardingApi.query("wait", Integer.toString(POLL_SECONDS)));
            JsonNode operation = answer.json();
            for (JsonNode step : operation.path("steps")) {
                String name = step.path("name").asText();
                String status = step.path("status").asText();
                if (FINISHED.contains(status) && !status.equals(shown.put(name, status))) {
                    output.progress(stepLine(step));
                }
            }
            String status = operation.path("status").asText();
            JsonNode waiting = waitingStep(operation);
            if ("running".equals(status) && waiting != null) {
                output.progress(String.format("  %-36s %-11s %8s  %s", waiting.path("name").asText(), "waiting", "-",
                        waiting.path("reason").asText()));
                String tenant = operation.path("tenant_id").asText();
                output.progress("operation " + operation.path("operation_id").asText() + " ("
                        + operation.path("type").asText() + ") of tenant " + tenant + " waits for approval: "
                        + "tenant-onboarding tenants approve " + tenant + "  (or: tenants reject " + tenant
                        + " --reason TEXT); it goes on once decided");
                if (output.json()) {
                    output.raw(answer);
                }
                return OnboardingCli.AWAITING_DECISION;
            }
            if (!"running".equals(status)) {
                output.progress(finalLine(operation));
                if (output.json()) {
                    output.raw(answer);
                }
                return "succeeded".equals(status) ? OnboardingCli.DONE : OnboardingCli.FAILED;
            }
        }
    }

    /** A step running with a reason: waiting for something other than time (approval). */
    private static JsonNode waitingStep(JsonNode operation) {
        for (JsonNode step : operation.path("steps")) {
            if ("running".equals(step.path("status").asText()) && step.hasNonNull("reason")) {
                return step;
            }
        }
        return null;
    }

    /** Name, status, duration, and why: the reason a step was skipped or warned, or the error it failed with. */
    private static String stepLine(JsonNode step) {
        String why = step.hasNonNull("error") ? step.path("error").asText()
                : step.hasNonNull("reason") ? step.path("reason").asText() : null;
        return String.format("  %-36s %-11s %8s%s", step.path("name").asText(), step.path("status").asText(),
                duration(step.path("started_at"), step.path("finished_at")), why == null ? "" : "  " + why);
    }

    private static String finalLine(JsonNode operation) {
        StringBuilder line = new StringBuilder("operation ").append(operation.path("operation_id").asText())
                .append(" (").append(operation.path("type").asText()).append(") ")
                .append(operation.path("status").asText())
                .append(" in ").append(duration(operation.path("created_at"), operation.path("finished_at")).strip());
        if (operation.hasNonNull("compensated")) {
            line.append(operation.path("compensated").asBoolean() ? ", compensated" : ", NOT fully compensated");
        }
        if (operation.hasNonNull("error")) {
            line.append(": ").append(operation.path("error").asText());
        }
        JsonNode result = operation.path("result");
        if (result.hasNonNull("database")) {
            line.append("; database ").append(result.path("database").asText())
                    .append(result.path("in_place").asBoolean() ? " (restored in place)" : " (a new database)");
        }
        if (result.hasNonNull("backup_id")) {
            line.append("; backup ").append(result.path("backup_id").asText());
        }
        return line.toString();
    }

    /** "1.23 s" between two timestamps of the API, or "-" when one is missing. */
    static String duration(JsonNode from, JsonNode to) {
        try {
            if (from.isTextual() && to.isTextual()) {
                Duration took = Duration.between(OffsetDateTime.parse(from.asText()), OffsetDateTime.parse(to.asText()));
                return String.format(java.util.Locale.ROOT, "%.2f s", took.toMillis() / 1000.0);
            }
        } catch (DateTimeParseException unreadable) {
            // shown as unknown
        }
        return "-";
    }
}
