package io.onboarding.operation;

import java.util.UUID;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.TypeConverterSupport;

/**
 * Lets a step method take just what it needs from the {@link StepContext}: the subject's id here;
 * a subject's feature registers its own type the same way ({@link #register(CamelContext, Class)}).
 * Camel's bean binding converts the body to the parameter's type.
 */
public final class StepContextConverters {

    private StepContextConverters() {
    }

    public static void register(CamelContext camel) {
        add(camel, UUID.class, StepContext::subjectId);
    }

    /** A step method may take the subject as {@code type}. */
    public static <T> void register(CamelContext camel, Class<T> type) {
        add(camel, type, context -> context.subject(type));
    }

    private static void add(CamelContext camel, Class<?> type, Function<StepContext, Object> part) {
        camel.getTypeConverterRegistry().addTypeConverter(type, StepContext.class, new TypeConverterSupport() {
            @Override
            public <T> T convertTo(Class<T> to, Exchange exchange, Object value) {
                return to.cast(part.apply((StepContext) value));
            }
        });
    }
}
