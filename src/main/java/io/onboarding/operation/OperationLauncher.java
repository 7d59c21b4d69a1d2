package io.onboarding.operation;

import java.util.Map;
import java.util.UUID;

/**
 * Starts an operation on an existing tenant (backup, restore, …): journaled with all its steps
 * pending before the caller is answered, then run in the background by the {@link OperationRunner}.
 */
public final class OperationLauncher {

    private final OperationJournal journal;
    private final OperationPipelines pipelines;
    private final OperationRunner runner;

    public OperationLauncher(OperationJournal journal, OperationPipelines pipelines, OperationRunner runner) {
        this.journal = journal;
        this.pipelines = pipelines;
        this.runner = runner;
    }

    public UUID launch(String type, UUID tenantId, Map<String, String> parameters) {
        UUID operationId = UUID.randomUUID();
        journal.create(operationId, type, tenantId, pipelines.steps(type), parameters);
        runner.submit(operationId);
        return operationId;
    }
}
