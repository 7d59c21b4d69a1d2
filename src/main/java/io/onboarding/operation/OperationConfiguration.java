package io.onboarding.operation;

import io.onboarding.monitoring.OnboardingMetrics;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.CamelContextHelper;

/** The durable journal, the workers that run operations, and the {@code step:} component routes call. */
public class OperationConfiguration implements CamelConfiguration {

    @BindToRegistry("operationJournal")
    public OperationJournal operationJournal(DataSource controlPlane) {
        return new OperationJournal(controlPlane);
    }

    @BindToRegistry("operationRunner")
    public OperationRunner operationRunner(CamelContext camel, DataSource controlPlane, OperationJournal journal,
            @PropertyInject("onboarding.operations.workers") int workers,
            @PropertyInject("onboarding.operations.max-compensation-attempts") int maxCompensationAttempts,
            OnboardingMetrics metrics) {
        return new OperationRunner(camel, controlPlane, journal, workers, maxCompensationAttempts, metrics);
    }

    @BindToRegistry("operationPipelines")
    public OperationPipelines operationPipelines(CamelContext camel) {
        return new OperationPipelines(camel);
    }

    @BindToRegistry("operationLauncher")
    public OperationLauncher operationLauncher(DataSource controlPlane, OperationJournal journal,
            OperationPipelines pipelines, OperationRunner runner) {
        return new OperationLauncher(controlPlane, journal, pipelines, runner);
    }

    @BindToRegistry("operationApi")
    public OperationApi operationApi(OperationJournal journal) {
        return new OperationApi(journal);
    }

    @Override
    public void configure(CamelContext camel) {
        OperationRunner runner = CamelContextHelper.mandatoryLookup(camel, "operationRunner", OperationRunner.class);
        camel.addComponent(JournaledStepComponent.SCHEME, new JournaledStepComponent(
                CamelContextHelper.mandatoryLookup(camel, "operationJournal", OperationJournal.class),
                runner::isStopping,
                CamelContextHelper.mandatoryLookup(camel, "onboardingMetrics", OnboardingMetrics.class)));
    }
}
