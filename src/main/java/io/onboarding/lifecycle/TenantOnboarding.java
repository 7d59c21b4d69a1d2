package io.onboarding.lifecycle;

import io.onboarding.tenant.TenantRequest;

import io.onboarding.cluster.TenantPlacement;
import io.onboarding.tenant.PlanCatalog;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;

import io.onboarding.kit.Refusal;
import io.onboarding.identity.AuthProviderSettings;
import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.OperationPipelines;
import io.onboarding.operation.OperationRunner;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one entry point for a create-tenant request, whichever channel it came through: records the
 * tenant, the cluster it is placed on ({@link TenantPlacement}) and its provisioning operation (all
 * steps pending) in one transaction, then starts the operation. A repeat of the same request returns the first operation.
 */
public final class TenantOnboarding {

    public static final String PROVISION = "provision";

    /** What the caller is told: {@code created} is false for an idempotent repeat. */
    public record Accepted(UUID tenantId, UUID operationId, String status, boolean created) {
    }

    private final TenantRepository tenants;
    private final OperationJournal journal;
    private final OperationPipelines pipelines;
    private final OperationRunner runner;
    private final PlanCatalog catalog;
    private final AuthProviderSettings authProviders;
    private final TenantPlacement placement;
    private final TransactionTemplate transaction;

    public TenantOnboarding(DataSource dataSource, TenantRepository tenants, OperationJournal journal,
                            OperationPipelines pipelines, OperationRunner runner, PlanCatalog catalog,
                            AuthProviderSettings authProviders, TenantPlacement placement) {
        this.tenants = tenants;
        this.journal = journal;
        this.pipelines = pipelines;
        this.runner = runner;
        this.catalog = catalog;
        this.authProviders = authProviders;
        this.placement = placement;
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    public Accepted accept(TenantRequest request) {
        Accepted accepted = transaction.execute(status -> record(request));
        if (accepted.created()) {
            runner.submit(accepted.operationId());
        }
        return accepted;
    }

    private Accepted record(TenantRequest request) {
        UUID tenantId = request.tenantId();
        boolean inserted;
        try {
            // A repeat is answered from the first request's row: it was placed then, and is not placed again.
            inserted = tenants.find(tenantId).isEmpty() && tenants.insertIfAbsent(request,
                    catalog.plan(request.plan()).connectionLimit(), placement.place(request.cluster(), request.region()));
        } catch (DuplicateKeyException e) {
            throw Refusal.conflict("tenant_name '" + request.tenantName() + "' is used by a live tenant",
                    "tenant_name");
        }
        if (!inserted) {
            TenantRecord existing = tenants.load(tenantId);
            if (!existing.requestFingerprint().equals(request.fingerprint())) {
                throw Refusal.conflict("tenant " + tenantId + " exists with a different request", "tenant_id");
            }
            UUID operationId = journal.firstOperation(tenantId, PROVISION)
                    .orElseThrow(() -> new IllegalStateException("tenant " + tenantId + " has no provisioning"));
            return new Accepted(tenantId, operationId, existing.status(), false);
        }
        if (request.authProviders() != null) {
            authProviders.stage(tenantId, request.authProviders()); // a failure here rolls the tenant back
        }
        UUID operationId = UUID.randomUUID();
        journal.create(operationId, PROVISION, tenantId, pipelines.steps(PROVISION));
        return new Accepted(tenantId, operationId, "provisioning", true);
    }
}
