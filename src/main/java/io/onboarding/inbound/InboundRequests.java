package io.onboarding.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.kit.Refusal;
import io.onboarding.operation.OperationAdmission;
import io.onboarding.operation.OperationRunner;
import io.onboarding.lifecycle.TenantOnboarding;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a request from a batch file or a message to the one entry point, {@code direct:onboard-tenant}.
 * A request without a tenant_id gets one derived from where it came from (file content and line, or
 * JMS message id), so a file processed again after a crash, or a message redelivered, is an
 * idempotent repeat rather than a second tenant.
 */
public final class InboundRequests {

    private static final Logger LOG = LoggerFactory.getLogger(InboundRequests.class);

    private final ProducerTemplate template;
    private final OperationAdmission admission;
    private final OperationRunner runner;

    public InboundRequests(CamelContext camel, OperationRunner runner) {
        this.template = camel.createProducerTemplate();
        this.admission = runner.admission();
        this.runner = runner;
    }

    /**
     * The outcome as the channels report it: tenant_id, operation_id and status, or the error object
     * of a request the caller got wrong. Our own failures (5xx: a database or secret store that cannot
     * be reached) are thrown, so the channel retries: the file stays in the inbox, the message is
     * rolled back and redelivered.
     */
    public Map<String, Object> submit(JsonNode body, String origin) {
        Map<String, Object> outcome = new LinkedHashMap<>();
        awaitRoom(origin);
        try {
            TenantOnboarding.Accepted accepted = template.requestBody("direct:onboard-tenant",
                    withTenantId(body, origin), TenantOnboarding.Accepted.class);
            outcome.put("tenant_id", accepted.tenantId());
            outcome.put("operation_id", accepted.operationId());
            outcome.put("status", accepted.status());
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof Refusal api && api.status() < 500) {
                outcome.put("error", api.toBody());
            } else {
                LOG.warn("Inbound request from {} failed and will be retried: {}", origin,
                        e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                throw e;
            }
        }
        return outcome;
    }

    /**
     * Back-pressure: the channel's thread waits while the operations queue is full, so the next
     * message stays on the queue (or the next record in its file). A stop while waiting is our
     * failure: the message is rolled back, the file left for the next start.
     */
    private void awaitRoom(String origin) {
        try {
            if (!admission.awaitRoom(runner::isStopping)) {
                throw new IllegalStateException("the service is stopping; " + origin + " is left for later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for room for " + origin, e);
        }
    }

    private static JsonNode withTenantId(JsonNode body, String origin) {
        if (body instanceof ObjectNode object && !object.has("tenant_id")) {
            ObjectNode copy = object.deepCopy();
            copy.put("tenant_id", UUID.nameUUIDFromBytes(origin.getBytes(StandardCharsets.UTF_8)).toString());
            return copy;
        }
        return body;
    }
}
