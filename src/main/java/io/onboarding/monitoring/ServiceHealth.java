package io.onboarding.monitoring;

import io.onboarding.api.BearerTokenGuard;
import io.onboarding.api.HttpReplies;
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
    private final BearerTokenGuard guard;

    public ServiceHealth(CamelContext camel, BearerTokenGuard guard) {
        this.camel = camel;
        this.guard = guard;
    }

    @Override
    public void process(Exchange exchange) {
        boolean details = guard.refusal(exchange.getMessage().getHeader("Authorization", String.class)) == null;
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
