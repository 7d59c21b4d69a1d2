package io.onboarding.tenant.approval;

import io.onboarding.lifecycle.TenantOnboarding;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.RequestSchemas;
import io.onboarding.events.TenantEvents;
import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.OperationRunner;
import io.onboarding.operation.OperationWaiting;
import io.onboarding.operation.StepContext;
import io.onboarding.operation.StepOutcome;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Assisted onboarding: for a plan that requires approval (default: enterprise), the first step of
 * provisioning waits, with nothing provisioned, until an operator approves or rejects it (or the
 * optional timeout rejects it). The wait is the journal's: it survives restarts, and a decision
 * resumes the operation at once.
 */
public final class TenantApprovals {

    private static final String SYSTEM = "tenant-onboarding";

    private final TenantRepository tenants;
    private final TenantApprovalRepository decisions;
    private final OperationJournal journal;
    private final OperationRunner runner;
    private final TenantEvents events;
    private final Set<String> plans;
    private final Duration timeout;

    public TenantApprovals(TenantRepository tenants, TenantApprovalRepository decisions, OperationJournal journal,
                           OperationRunner runner, TenantEvents events, Set<String> plans, Duration timeout) {
        this.tenants = tenants;
        this.decisions = decisions;
        this.journal = journal;
        this.runner = runner;
        this.events = events;
        this.plans = Set.copyOf(plans);
        this.timeout = timeout;
    }

    /** Step {@code await-approval}: done once approved, failed once rejected, waiting until then. */
    public StepOutcome await(StepContext context) {
        TenantRecord tenant = context.tenant();
        if (!plans.contains(tenant.plan())) {
            return StepOutcome.skipped("plan " + tenant.plan() + " needs no approval");
        }
        TenantApprovalRepository.Decision decision = decisions.find(tenant.tenantId()).orElse(null);
        if (decision == null && !timeout.isZero()
                && tenant.createdAt().plus(timeout).isBefore(OffsetDateTime.now())) {
            record(tenant.tenantId(), new TenantApprovalRepository.Decision("rejected", SYSTEM,
                    "not approved within " + timeout));
            decision = decisions.find(tenant.tenantId()).orElseThrow();
        }
        if (decision == null) {
            if (tenants.transition(tenant.tenantId(), "provisioning", "awaiting_approval")) {
                events.publish("tenant.awaiting_approval", tenant.tenantId(), Map.of("plan", tenant.plan()));
            }
            throw new OperationWaiting("awaiting approval (POST /api/v1/tenants/" + tenant.tenantId() + "/approve)");
        }
        if (!decision.approved()) {
            throw new IllegalStateException("rejected by " + decision.decidedBy() + ": " + decision.note());
        }
        return StepOutcome.done();
    }

    /** {@code POST /api/v1/tenants/{id}/approve {"approved_by"?,"note"?}}: the onboarding goes on. */
    public UUID approve(UUID tenantId, JsonNode body, String caller) {
        RequestSchemas.check("ApproveRequest", body);
        String by = text(body, "approved_by", false, 254);
        return decide(tenantId, new TenantApprovalRepository.Decision("approved", by == null ? caller : by,
                text(body, "note", false, 1000)));
    }

    /** {@code POST /api/v1/tenants/{id}/reject {"rejected_by"?,"reason"}}: the onboarding ends as failed, nothing left. */
    public UUID reject(UUID tenantId, JsonNode body, String caller) {
        RequestSchemas.check("RejectRequest", body);
        String by = text(body, "rejected_by", false, 254);
        return decide(tenantId, new TenantApprovalRepository.Decision("rejected", by == null ? caller : by,
                text(body, "reason", true, 1000)));
    }

    private UUID decide(UUID tenantId, TenantApprovalRepository.Decision decision) {
        TenantRecord tenant = tenants.require(tenantId);
        if (!"awaiting_approval".equals(tenant.status()) || !record(tenantId, decision)) {
            throw new Refusal(409, "conflict", "tenant " + tenantId + " is " + tenant.status()
                    + ", not awaiting approval");
        }
        if (decision.approved()) {
            tenants.transition(tenantId, "awaiting_approval", "provisioning");
        }
        UUID operationId = journal.firstOperation(tenantId, TenantOnboarding.PROVISION).orElseThrow();
        runner.submit(operationId);
        return operationId;
    }

    /** The decision recorded (once) and announced on tenant.events; false if there was one already. */
    private boolean record(UUID tenantId, TenantApprovalRepository.Decision decision) {
        if (!decisions.decide(tenantId, decision)) {
            return false;
        }
        events.publish(decision.approved() ? "tenant.approved" : "tenant.rejected", tenantId,
                Map.of("decided_by", decision.decidedBy()));
        return true;
    }

    private static String text(JsonNode body, String field, boolean required, int max) {
        JsonNode node = body == null ? null : body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw Refusal.validation(field, "is required");
            }
            return null;
        }
        String value = node.isTextual() ? node.asText().trim() : "";
        if (value.isEmpty() || value.length() > max) {
            throw Refusal.validation(field, "must be a non-empty string of at most " + max + " characters");
        }
        return value;
    }
}
