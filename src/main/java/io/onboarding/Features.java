package io.onboarding;

import io.onboarding.access.AccessConfiguration;
import io.onboarding.web.ApiConfiguration;
import io.onboarding.backup.BackupConfiguration;
import io.onboarding.cloud.CloudConfiguration;
import io.onboarding.cluster.ClusterConfiguration;
import io.onboarding.console.ConsoleConfiguration;
import io.onboarding.events.EventsConfiguration;
import io.onboarding.git.GitConfiguration;
import io.onboarding.identity.IdentityConfiguration;
import io.onboarding.inbound.InboundConfiguration;
import io.onboarding.monitoring.MonitoringConfiguration;
import io.onboarding.observe.ObserveConfiguration;
import io.onboarding.operation.OperationConfiguration;
import io.onboarding.reconcile.ReconcileConfiguration;
import io.onboarding.secrets.SecretsConfiguration;
import io.onboarding.tenant.approval.ApprovalConfiguration;
import io.onboarding.tenant.TenantConfiguration;
import io.onboarding.lifecycle.LifecycleConfiguration;
import io.onboarding.move.MoveConfiguration;
import io.onboarding.tenant.schema.TenantSchemaConfiguration;
import io.onboarding.users.UsersConfiguration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;

/**
 * The feature packages, each wiring its own beans in a Camel configuration class ({@code @BindToRegistry}
 * methods, settings through {@code @PropertyInject}, other beans by type). Beans are bound lazily: each
 * is built the first time something asks for it, so neither the order of the classes nor of the
 * methods in one matters. {@link #build} then builds them all before any route starts, so a wiring
 * mistake stops startup instead of failing the first request.
 */
final class Features {

    private Features() {
    }

    static List<CamelConfiguration> configurations() {
        return List.of(new SecretsConfiguration(), new ObserveConfiguration(), new MonitoringConfiguration(), new OperationConfiguration(),
                new EventsConfiguration(), new TenantConfiguration(), new LifecycleConfiguration(), new MoveConfiguration(), new ApprovalConfiguration(), new UsersConfiguration(),
                new IdentityConfiguration(), new InboundConfiguration(), new BackupConfiguration(),
                new CloudConfiguration(), new AccessConfiguration(), new ApiConfiguration(), new GitConfiguration(),
                new TenantSchemaConfiguration(), new ConsoleConfiguration(), new ReconcileConfiguration(),
                new ClusterConfiguration());
    }

    /** Before the configuration classes are processed: every {@code @BindToRegistry} bean is lazy. */
    static void bindLazily(CamelContext camel) {
        PluginHelper.getBeanPostProcessor(camel).setLazyBeanStrategy(binding -> true);
    }

    /** Builds every bean the configuration classes bound. */
    static void build(CamelContext camel, List<CamelConfiguration> configurations) {
        configurations.stream().flatMap(configuration -> Stream.of(configuration.getClass().getMethods()))
                .filter(method -> method.isAnnotationPresent(BindToRegistry.class))
                .forEach(method -> camel.getRegistry().lookupByName(method.getAnnotation(BindToRegistry.class).value()));
    }
}
