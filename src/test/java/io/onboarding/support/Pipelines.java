package io.onboarding.support;

import io.onboarding.config.PropertyLayers;
import io.onboarding.operation.OperationPipelines;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.DefaultRoutesCollector;

/**
 * The operation pipelines as the service reads them ({@code file:routes/*.yaml}, through
 * {@link OperationPipelines}), for tests that check what an operation journaled: the steps come from
 * the YAML, so adding a step changes its YAML block, its bean and its own test, not a list here.
 * The routes are loaded, with the default settings, into a Camel context that is never started
 * (definitions only: no beans, no endpoints).
 */
public final class Pipelines {

    private static OperationPipelines pipelines;

    private Pipelines() {
    }

    /** The steps of operation type {@code type} ({@code provision}, {@code destroy}...), in order. */
    public static List<String> steps(String type) {
        return loaded().steps(type);
    }

    /** The steps of {@code type} from the first up to {@code last}, included. */
    public static List<String> stepsThrough(String type, String last) {
        List<String> steps = steps(type);
        int index = steps.indexOf(last);
        if (index < 0) {
            throw new IllegalArgumentException("pipeline " + type + " has no step " + last + ": " + steps);
        }
        return steps.subList(0, index + 1);
    }

    /** The operation pipelines, for what else a declaration says (a step's undo). */
    public static synchronized OperationPipelines loaded() {
        if (pipelines == null) {
            CamelContext camel = new DefaultCamelContext();
            // The default settings, as the service layers them: route preconditions read the *.enabled switches.
            PropertyLayers.applyTo(camel.getPropertiesComponent(), Map.of(), Map.of(), Path.of(""));
            try {
                Collection<RoutesBuilder> files = new DefaultRoutesCollector().collectRoutesFromDirectory(camel, null,
                        "file:routes/*.yaml");
                // As Camel Main adds them: the routes (with their configurations and templates), then the
                // routes made from templates, which is what declares the steps.
                for (RoutesBuilder routes : files) {
                    camel.addRoutes(routes);
                }
                for (RoutesBuilder routes : files) {
                    camel.addTemplatedRoutes(routes);
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the routes under routes/", e);
            }
            pipelines = new OperationPipelines(camel);
        }
        return pipelines;
    }
}
