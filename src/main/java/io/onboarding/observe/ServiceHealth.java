package io.onboarding.observe;

import java.util.function.Predicate;
import io.onboarding.kit.HttpReplies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * {@code GET /observe/health}: readiness, 200 when every check is UP, else 503. Anyone may ask, so
 * without the admin token the answer is only up/down per dependency; a dependency's error text
 * (which can name hosts, paths or users) is shown only with the token.
 */
public final class ServiceHealth implements Processor {

    private final CamelContext camel;
    private final Predicate<String> showsDetails;

    /** {@code showsDetails}: whether a request with this Authorization header may see the checks' error texts. */
    public ServiceHealth(CamelContext camel, Predicate<String> showsDetails) {
        this.camel = camel;
        this.showsDetails = showsDetails;
    }

    @Override
    public void process(Exchange exchange) {
        boolean details = showsDetails.test(exchange.getMessage().getHeader("Authorization", String.class));
        boolean up = true;
        List<Map<String, Object>> checks = new ArrayList<>();
        List<HealthCheck.Result> results = HealthCheckRegistry.get(camel).stream().filter(HealthCheck::isReadiness)
                .map(HealthCheck::callReadiness).toList();
        for (HealthCheck.Result result : results) {
            up &= result.getState() == HealthCheck.State.UP;
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("name", result.getCheck().getId());
            check.put("status", result.getState().name());
            if (details) {
                result.getMessage().ifPresent(message -> check.put("message", message));
                result.getError().ifPresent(error -> check.put("error", String.valueOf(error.getMessage())));
            }
            checks.add(check);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        HttpReplies.json(exchange, up ? 200 : 503, body);
    }
}
