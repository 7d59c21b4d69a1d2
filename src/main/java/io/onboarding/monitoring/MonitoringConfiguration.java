package io.onboarding.monitoring;

import io.onboarding.observe.OnboardingMetrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.tenant.TenantRepository;
import java.nio.file.Path;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.micrometer.MicrometerConstants;

/** The fleet's alert rules and dashboard, each tenant's scrape targets, and the tenant database metrics. */
public class MonitoringConfiguration implements CamelConfiguration {

    @BindToRegistry("tenantMonitoring")
    public TenantMonitoring tenantMonitoring(CamelContext camel, TenantRepository tenants,
            @PropertyInject("onboarding.prometheus.config-dir") String prometheusConfigDir,
            @PropertyInject("onboarding.grafana.dashboards-dir") String dashboardsDir,
            @PropertyInject("onboarding.monitoring.target-patterns") String targetPatterns,
            @PropertyInject("onboarding.grafana.enabled") boolean grafanaEnabled,
            @PropertyInject("onboarding.grafana.per-tenant-dashboards") boolean perTenantDashboards,
            @PropertyInject("onboarding.prometheus.enabled") boolean prometheusEnabled) {
        return new TenantMonitoring(camel, tenants, Path.of(prometheusConfigDir).toAbsolutePath().normalize(),
                Path.of(dashboardsDir).toAbsolutePath().normalize(), targetPatterns, grafanaEnabled, perTenantDashboards,
                prometheusEnabled);
    }

    @BindToRegistry("tenantDatabaseMetrics")
    public TenantDatabaseMetrics tenantDatabaseMetrics(ClusterDirectory clusters, TenantRepository tenants,
            OnboardingMetrics metrics) {
        return new TenantDatabaseMetrics(clusters, tenants, metrics);
    }
}
