package io.onboarding.operation;

import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts an operation on an existing tenant (backup, restore, …): journaled with all its steps
 * pending before the caller is answered, then run in the background by the {@link OperationRunner}.
 */
public final class OperationLauncher {

    private final OperationJournal journal;
    private final OperationPipelines pipelines;
    private final OperationRunner runner;
    private final TransactionTemplate transaction;

    public OperationLauncher(DataSource dataSource, OperationJournal journal, OperationPipelines pipelines,
                             OperationRunner runner) {
        this.journal = journal;
        this.pipelines = pipelines;
        this.runner = runner;
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    public UUID launch(String type, UUID tenantId, Map<String, String> parameters) {
        return launch(type, tenantId, parameters, () -> { });
    }

    /** Starts the operation; {@code alongside} (e.g. a status change) commits with it or not at all. */
    public UUID launch(String type, UUID tenantId, Map<String, String> parameters, Runnable alongside) {
        UUID operationId = UUID.randomUUID();
        transaction.executeWithoutResult(status -> {
            alongside.run();
            journal.create(operationId, type, tenantId, pipelines.steps(type), parameters);
        });
        runner.submit(operationId);
        return operationId;
    }
}
