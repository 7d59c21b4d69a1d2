package io.onboarding.operation;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;

/**
 * The pipelines, read from the routes, so the YAML is the single definition. The pipeline of
 * operation type {@code T} is the route {@code T-tenant}; its steps are the {@code step:NAME}
 * endpoints it sends to, in order; each step is a route made from the template {@code step} or
 * {@code step-warns}, whose {@code undo} parameter declares how it is undone. {@link #verify()}
 * runs at start-up: a pipeline whose step is not declared, or declares no undo, or an undo that
 * names a bean or method that does not exist, or an outcome route ({@code T-tenant-succeeded},
 * {@code T-tenant-failed}) without its pipeline, stops the service with a message saying which.
 */
public final class OperationPipelines {

    static final String STEP_SCHEME = "step:";
    private static final List<String> STEP_TEMPLATES = List.of("step", "step-warns");

    private final CamelContext camel;

    public OperationPipelines(CamelContext camel) {
        this.camel = camel;
    }

    public static String routeId(String type) {
        return type + "-tenant";
    }

    public List<String> steps(String type) {
        RouteDefinition route = model().getRouteDefinition(routeId(type));
        if (route == null) {
            throw new IllegalStateException("no pipeline route " + routeId(type) + " for operation type " + type);
        }
        return stepsOf(route);
    }

    /** How a step is undone, as declared. */
    public StepUndo undo(String step) {
        return StepUndo.parse(String.valueOf(declaration(step).getTemplateParameters().get("undo")));
    }

    /** Every pipeline's steps with their undo, by pipeline route id; fails on the first broken one. */
    public Map<String, List<String>> verify() {
        Map<String, List<String>> pipelines = new LinkedHashMap<>();
        for (RouteDefinition route : model().getRouteDefinitions()) {
            List<String> steps = stepsOf(route);
            if (steps.isEmpty()) {
                continue;
            }
            for (String step : steps) {
                try {
                    checkUndo(undo(step));
                } catch (RuntimeException e) {
                    throw new IllegalStateException("pipeline " + route.getRouteId() + ", step " + step + ": "
                            + e.getMessage(), e);
                }
            }
            pipelines.put(route.getRouteId(), steps);
        }
        // Outcome routes go by name: one whose pipeline does not exist is a typo nothing would call.
        for (RouteDefinition route : model().getRouteDefinitions()) {
            String id = String.valueOf(route.getRouteId());
            String pipeline = id.replaceFirst("-(succeeded|failed)$", "");
            if (!pipeline.equals(id) && ("direct:" + id).equals(route.getInput().getUri())
                    && !pipelines.containsKey(pipeline)) {
                throw new IllegalStateException("outcome route " + id + " has no pipeline " + pipeline);
            }
        }
        return pipelines;
    }

    /** The templated route whose {@code name} is the step. */
    private RouteDefinition declaration(String step) {
        return model().getRouteDefinitions().stream()
                .filter(route -> route.isCreatedFromTemplate() && route.getTemplateParameters() != null
                        && step.equals(route.getTemplateParameters().get("name")))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no step declared: add a templatedRoute of "
                        + STEP_TEMPLATES + " with name " + step));
    }

    /** An undo endpoint that cannot work is a start-up error, not a surprise during compensation. */
    private void checkUndo(StepUndo undo) {
        if (!(undo instanceof StepUndo.Endpoint endpoint)) {
            return;
        }
        String uri = endpoint.uri();
        if (uri.startsWith("bean:")) {
            String bean = uri.substring(5).split("\\?")[0];
            Object target = camel.getRegistry().lookupByName(bean);
            if (target == null) {
                throw new IllegalStateException("undo " + uri + ": no bean " + bean);
            }
            String method = uri.contains("method=") ? uri.substring(uri.indexOf("method=") + 7).split("[&(]")[0] : null;
            if (method != null && Arrays.stream(target.getClass().getMethods()).map(Method::getName)
                    .noneMatch(method::equals)) {
                throw new IllegalStateException("undo " + uri + ": bean " + bean + " has no method " + method);
            }
        } else if (uri.startsWith("direct:") && model().getRouteDefinitions().stream()
                .noneMatch(route -> uri.equals(route.getInput().getUri()))) {
            throw new IllegalStateException("undo " + uri + ": no route consumes it");
        }
    }

    private static List<String> stepsOf(RouteDefinition route) {
        List<String> steps = new ArrayList<>();
        route.getOutputs().stream().filter(ToDefinition.class::isInstance)
                .map(output -> ((ToDefinition) output).getUri())
                .filter(uri -> uri.startsWith(STEP_SCHEME))
                .forEach(uri -> steps.add(uri.substring(STEP_SCHEME.length())));
        return steps;
    }

    private Model model() {
        return camel.getCamelContextExtension().getContextPlugin(Model.class);
    }
}
