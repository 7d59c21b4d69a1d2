package io.onboarding.operation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The journal in memory, with the same semantics as OperationJournal's SQL, for route-level tests. */
final class InMemoryStepJournal implements StepJournal {

    static final class Operation {
        final String type;
        final UUID tenantId;
        final Map<String, String> parameters;
        final Map<String, String> stepStatus = Collections.synchronizedMap(new LinkedHashMap<>());
        final Map<String, String> stepError = new ConcurrentHashMap<>();
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

    @Override
    public void stepStarted(UUID operationId, String step) {
        operation(operationId).stepStatus.replace(step, "running");
        operation(operationId).stepError.remove(step);
    }

    @Override
    public void stepWaiting(UUID operationId, String step, String reason) {
        operation(operationId).stepStatus.replace(step, "running");
        operation(operationId).stepError.put(step, reason);
    }

    @Override
    public void stepFinished(UUID operationId, String step, String status, String error) {
        operation(operationId).stepStatus.replace(step, status);
        if (error == null) {
            operation(operationId).stepError.remove(step);
        } else {
            operation(operationId).stepError.put(step, error);
        }
    }

    @Override
    public List<String> stepsToUndo(UUID operationId) {
        List<String> steps = new ArrayList<>();
        steps(operationId).forEach((step, status) -> {
            if (List.of("running", "done", "warning", "failed").contains(status)) {
                steps.add(0, step);
            }
        });
        return steps;
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
