package io.onboarding.operation;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;

/**
 * The pipelines, read from the routes, so the YAML is the single definition. The pipeline of
 * operation type {@code T} is the route {@code T-tenant}; its steps are the {@code step:NAME}
 * endpoints it lists, in order, each with the steps it needs ({@code step:NAME?needs=A,B}; by default
 * the step listed before it: {@link StepGraph}); each step is a route made from the template
 * {@code step} or {@code step-warns}, whose {@code undo} parameter declares how it is undone. The engine
 * runs the steps itself ({@link StepScheduler}), so a pipeline route lists steps and nothing else.
 * {@link #verify()} runs at start-up: a pipeline that lists anything but steps, a step listed twice or
 * needing a step not listed before it, a step not declared or declaring no undo, an undo that names a
 * bean or method that does not exist, or an outcome route ({@code T-tenant-succeeded},
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
        return graph(type).names();
    }

    /** The pipeline's steps with what each needs. */
    StepGraph graph(String type) {
        RouteDefinition route = model().getRouteDefinition(routeId(type));
        if (route == null) {
            throw new IllegalStateException("no pipeline route " + routeId(type) + " for operation type " + type);
        }
        return StepGraph.of(route.getRouteId(), stepUris(route));
    }

    /** How a step is undone, as declared. */
    public StepUndo undo(String step) {
        return StepUndo.parse(String.valueOf(declaration(step).getTemplateParameters().get("undo")));
    }

    /** Every pipeline's steps with their undo, by pipeline route id; fails on the first broken one. */
    public Map<String, List<String>> verify() {
        Map<String, List<String>> pipelines = new LinkedHashMap<>();
        for (RouteDefinition route : model().getRouteDefinitions()) {
            List<String> uris = stepUris(route);
            if (uris.isEmpty()) {
                continue;
            }
            requireStepsOnly(route);
            List<String> steps = StepGraph.of(route.getRouteId(), uris).names();
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

    /**
     * The engine runs a pipeline's steps itself, not its route: anything else the route did would never
     * run. Abstract outputs are its route configuration's (onException): policies, not processing.
     */
    private static void requireStepsOnly(RouteDefinition route) {
        route.getOutputs().stream().filter(output -> !output.isAbstract() && !isStep(output)).findFirst()
                .ifPresent(output -> {
                    throw new IllegalStateException("pipeline " + route.getRouteId() + ": " + output.getLabel()
                            + " is not a step; a pipeline lists steps only");
                });
    }

    /** The {@code step:} endpoints the route lists, as written ({@code step:NAME?needs=…}). */
    private static List<String> stepUris(RouteDefinition route) {
        return route.getOutputs().stream().filter(OperationPipelines::isStep)
                .map(output -> ((ToDefinition) output).getUri()).toList();
    }

    private static boolean isStep(ProcessorDefinition<?> output) {
        return output instanceof ToDefinition to && to.getUri() != null && to.getUri().startsWith(STEP_SCHEME);
    }

    private Model model() {
        return camel.getCamelContextExtension().getContextPlugin(Model.class);
    }
}
