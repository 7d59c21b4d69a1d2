package io.onboarding.observe;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.component.micrometer.MicrometerConstants;

/** The service's own metrics, in the registry {@code /observe/metrics} serves. */
public class ObserveConfiguration implements CamelConfiguration {

    @BindToRegistry("onboardingMetrics")
    public OnboardingMetrics onboardingMetrics(@BeanInject(MicrometerConstants.METRICS_REGISTRY_NAME) MeterRegistry registry) {
        return new OnboardingMetrics(registry);
    }
}
