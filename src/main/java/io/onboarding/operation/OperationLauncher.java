package io.onboarding.operation;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import io.onboarding.tenant.TenantRepository;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
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
    private final TenantRepository tenants;
    private final JdbcTemplate jdbc;

    public OperationLauncher(DataSource dataSource, OperationJournal journal, OperationPipelines pipelines,
                             OperationRunner runner, TenantRepository tenants) {
        this.journal = journal;
        this.pipelines = pipelines;
        this.runner = runner;
        this.tenants = tenants;
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * Starts an operation on no one tenant (e.g. the fleet's schema rollout), unless one of its type
     * is running: then empty, and nothing is started. Launches of a type are serialized by a
     * transaction-scoped advisory lock on the type's name.
     */
    public Optional<UUID> launchAlone(String type, Map<String, String> parameters) {
        UUID operationId = UUID.randomUUID();
        boolean launched = transaction.execute(status -> {
            jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtext(?))", Object.class, "launch:" + type);
            if (!jdbc.queryForList("SELECT 1 FROM operations WHERE type = ? AND status = 'running' LIMIT 1",
                    Integer.class, type).isEmpty()) {
                return false;
            }
            journal.create(operationId, type, null, pipelines.steps(type), parameters);
            return true;
        });
        if (!launched) {
            return Optional.empty();
        }
        runner.submit(operationId);
        return Optional.of(operationId);
    }

    public UUID launch(String type, UUID tenantId, Map<String, String> parameters) {
        return launch(type, tenantId, parameters, () -> { });
    }

    /**
     * Starts the operation; {@code alongside} (e.g. a status change) commits with it or not at all.
     * One operation at a time per tenant: a second is a 409 (the tenant row is locked meanwhile).
     */
    public UUID launch(String type, UUID tenantId, Map<String, String> parameters, Runnable alongside) {
        UUID operationId = UUID.randomUUID();
        transaction.executeWithoutResult(status -> {
            tenants.lockForOperation(tenantId);
            journal.unfinished(tenantId).ifPresent(running -> {
                throw new SubjectBusyException(tenantId, running);
            });
            alongside.run();
            journal.create(operationId, type, tenantId, pipelines.steps(type), parameters);
        });
        runner.submit(operationId);
        return operationId;
    }
}
