package io.onboarding.operation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The journal in memory, with the same semantics as OperationJournal's SQL, for route-level tests. */
final class InMemoryStepJournal implements StepJournal {

    static final class Operation {
        final String type;
        final UUID tenantId;
        final Map<String, String> parameters;
        final Map<String, String> stepStatus = Collections.synchronizedMap(new LinkedHashMap<>());
        final Map<String, String> stepError = new ConcurrentHashMap<>();
        /** The completion number of each step that ended (done, skipped, warning, failed). */
        final Map<String, Long> completion = new ConcurrentHashMap<>();
        volatile String status = "running";
        volatile boolean compensating;
        volatile Boolean compensated;
        volatile String error;
        volatile int compensationAttempts;

        Operation(String type, UUID tenantId, List<String> steps, Map<String, String> parameters) {
            this.type = type;
            this.tenantId = tenantId;
            this.parameters = Map.copyOf(parameters);
            steps.forEach(step -> stepStatus.put(step, "pending"));
        }
    }

    private final Map<UUID, Operation> operations = new ConcurrentHashMap<>();
    /** The sequence operation_step_completion. */
    private final AtomicLong completions = new AtomicLong();

    UUID create(String type, UUID tenantId, List<String> steps, Map<String, String> parameters) {
        UUID operationId = UUID.randomUUID();
        operations.put(operationId, new Operation(type, tenantId, steps, parameters));
        return operationId;
    }

    Operation operation(UUID operationId) {
        return operations.get(operationId);
    }

    /** Every step's status, in pipeline order. */
    Map<String, String> steps(UUID operationId) {
        synchronized (operation(operationId).stepStatus) {
            return new LinkedHashMap<>(operation(operationId).stepStatus);
        }
    }

    String error(UUID operationId, String step) {
        return operation(operationId).stepError.get(step);
    }

    @Override
    public Optional<OperationJournal.State> state(UUID operationId) {
        return Optional.ofNullable(operations.get(operationId)).map(op -> new OperationJournal.State(op.type,
                op.tenantId, op.status, op.compensating, op.parameters));
    }

    @Override
    public String stepStatus(UUID operationId, String step) {
        String status = operation(operationId).stepStatus.get(step);
        if (status == null) {
            throw new IllegalStateException("operation " + operationId + " has no step " + step);
        }
        return status;
    }

    /** The steps that ended (done, skipped, warning or failed), in the order they ended. */
    List<String> completionOrder(UUID operationId) {
        return operation(operationId).completion.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey).toList();
    }

    @Override
    public Set<String> finishedSteps(UUID operationId) {
        Set<String> finished = new HashSet<>();
        steps(operationId).forEach((step, status) -> {
            if (List.of("done", "skipped", "warning").contains(status)) {
                finished.add(step);
            }
        });
        return finished;
    }

    @Override
    public void stepStarted(UUID operationId, String step) {
        operation(operationId).stepStatus.replace(step, "running");
        operation(operationId).stepError.remove(step);
        operation(operationId).completion.remove(step);
    }

    @Override
    public void stepWaiting(UUID operationId, String step, String reason) {
        operation(operationId).stepStatus.replace(step, "running");
        operation(operationId).stepError.put(step, reason);
    }

    @Override
    public void stepFinished(UUID operationId, String step, String status, String error) {
        if (!status.equals("compensated")) {
            operation(operationId).completion.put(step, completions.incrementAndGet());
        }
        operation(operationId).stepStatus.replace(step, status);
        if (error == null) {
            operation(operationId).stepError.remove(step);
        } else {
            operation(operationId).stepError.put(step, error);
        }
    }

    /** As OperationJournal orders them: running first, then by completion number, latest first. */
    @Override
    public List<String> stepsToUndo(UUID operationId) {
        Operation op = operation(operationId);
        List<String> running = new ArrayList<>();
        List<String> ended = new ArrayList<>();
        steps(operationId).forEach((step, status) -> {
            if (status.equals("running")) {
                running.add(0, step);
            } else if (List.of("done", "warning", "failed").contains(status)) {
                ended.add(step);
            }
        });
        ended.sort(Comparator.comparing((String step) -> op.completion.getOrDefault(step, 0L)).reversed());
        running.addAll(ended);
        return running;
    }

    @Override
    public void beginCompensation(UUID operationId, String error) {
        operation(operationId).compensating = true;
        operation(operationId).error = error;
    }

    @Override
    public void succeeded(UUID operationId) {
        operation(operationId).status = "succeeded";
    }

    @Override
    public int compensationAttempt(UUID operationId) {
        return ++operation(operationId).compensationAttempts;
    }

    @Override
    public void compensated(UUID operationId) {
        Operation op = operation(operationId);
        op.status = "failed";
        op.compensated = true;
        op.compensating = false;
    }

    @Override
    public void notCompensated(UUID operationId, String reason) {
        Operation op = operation(operationId);
        op.status = "failed";
        op.compensated = false;
        op.compensating = false;
        op.error = (op.error == null ? "" : op.error) + "; " + reason;
    }
}
