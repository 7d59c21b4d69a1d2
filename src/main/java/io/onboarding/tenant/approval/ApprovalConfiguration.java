package io.onboarding.tenant.approval;

import io.onboarding.tenant.TenantRepository;

import io.onboarding.events.TenantEvents;
import io.onboarding.operation.OperationJournal;
import io.onboarding.operation.OperationRunner;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;

/** Assisted onboarding: which plans wait for an operator's approval, and for how long. */
public class ApprovalConfiguration implements CamelConfiguration {

    @BindToRegistry("tenantApprovals")
    public TenantApprovals tenantApprovals(DataSource controlPlane, TenantRepository tenants, OperationJournal journal,
            OperationRunner runner, TenantEvents events,
            @PropertyInject(value = "onboarding.approval.plans", defaultValue = "") String plans,
            @PropertyInject(value = "onboarding.approval.timeout", defaultValue = "") String timeout) {
        Set<String> planNames = Arrays.stream(plans.split(",")).map(String::trim).filter(p -> !p.isEmpty())
                .collect(Collectors.toSet());
        return new TenantApprovals(tenants, new TenantApprovalRepository(controlPlane), journal, runner, events,
                planNames, timeout.isBlank() ? Duration.ZERO : Duration.parse(timeout.trim()));
    }

    @BindToRegistry("approvalApi")
    public ApprovalApi approvalApi(TenantApprovals approvals) {
        return new ApprovalApi(approvals);
    }
}
