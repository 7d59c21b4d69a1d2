package io.onboarding.operation;

import io.onboarding.tenant.TenantRecord;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.TypeConverterRegistry;
import org.apache.camel.support.TypeConverterSupport;

/**
 * Lets a step method take just what it needs from the {@link StepContext}: the tenant record or
 * the tenant id. Camel's bean binding converts the body to the parameter's type.
 */
public final class StepContextConverters {

    private StepContextConverters() {
    }

    public static void register(CamelContext camel) {
        TypeConverterRegistry registry = camel.getTypeConverterRegistry();
        registry.addTypeConverter(TenantRecord.class, StepContext.class, converter(StepContext::tenant));
        registry.addTypeConverter(UUID.class, StepContext.class, converter(StepContext::tenantId));
    }

    private static TypeConverterSupport converter(java.util.function.Function<StepContext, Object> part) {
        return new TypeConverterSupport() {
            @Override
            public <T> T convertTo(Class<T> type, org.apache.camel.Exchange exchange, Object value) {
                return type.cast(part.apply((StepContext) value));
            }
        };
    }
}
