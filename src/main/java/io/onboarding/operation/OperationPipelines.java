package io.onboarding.operation;

import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;

/**
 * Reads each operation's steps from its pipeline route, so the YAML route is the single definition:
 * the pipeline for operation type {@code T} is the route {@code T-tenant}, and its steps are the
 * {@code step:NAME} endpoints it sends to, in order.
 */
public final class OperationPipelines {

    private final CamelContext camel;

    public OperationPipelines(CamelContext camel) {
        this.camel = camel;
    }

    public static String routeId(String type) {
        return type + "-tenant";
    }

    public List<String> steps(String type) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        RouteDefinition route = model.getRouteDefinition(routeId(type));
        if (route == null) {
            throw new IllegalStateException("no pipeline route " + routeId(type) + " for operation type " + type);
        }
        List<String> steps = route.getOutputs().stream()
                .filter(ToDefinition.class::isInstance)
                .map(output -> ((ToDefinition) output).getUri())
                .filter(uri -> uri.startsWith(JournaledStepComponent.SCHEME + ":"))
                .map(uri -> uri.substring(JournaledStepComponent.SCHEME.length() + 1))
                .toList();
        if (steps.isEmpty()) {
            throw new IllegalStateException("pipeline route " + routeId(type) + " has no step: endpoints");
        }
        return steps;
    }
}
