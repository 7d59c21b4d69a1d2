package io.onboarding.cloud;

import io.onboarding.kit.Failures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.kit.Json;
import io.onboarding.operation.StepOutcome;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * An enterprise tenant's cloud resources, created and released by the HTTP provisioner at
 * CLOUD_PROVISIONER_URL through the routes of {@code routes/cloud.yaml} (which retry connection
 * errors and 5xx answers). The provisioner's resource_id is recorded on the tenant at once, so an
 * undo, a re-run after a crash and destroy all know it.
 */
public final class CloudResources {

    /** What a resource id may look like: it comes from a third party and becomes a URL path segment. */
    static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final int MAX_ERROR_CHARS = 200;

    private final TenantRepository tenants;
    private final ProducerTemplate template;
    private final boolean configured;

    public CloudResources(CamelContext camel, TenantRepository tenants, boolean configured) {
        this.tenants = tenants;
        this.template = camel.createProducerTemplate();
        this.configured = configured;
    }

    /** Step {@code provision-cloud-resources}: POST {tenant_id, tenant_name, region, plan}, expect {resource_id}. */
    public StepOutcome provision(TenantRecord tenant) {
        if (!"enterprise".equals(tenant.plan())) {
            return StepOutcome.skipped("cloud resources are for the enterprise plan only (plan " + tenant.plan() + ")");
        }
        if (!configured) {
            return StepOutcome.skipped("CLOUD_PROVISIONER_URL is not set");
        }
        if (tenant.cloudResourceId() != null) {
            return StepOutcome.done(); // a re-run after a crash: created before, not again
        }
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("tenant_id", tenant.tenantId().toString());
        request.put("tenant_name", tenant.tenantName());
        request.put("region", tenant.region());
        request.put("plan", tenant.plan());
        Exchange result = template.send("direct:cloud-create-resource", exchange -> {
            exchange.getMessage().setHeader("Idempotency-Key", tenant.tenantId().toString());
            exchange.getMessage().setBody(Json.write(request));
        });
        if (result.getException() != null) {
            throw failure("creating the cloud resource", result.getException());
        }
        JsonNode answer = parse(result.getMessage().getBody(String.class));
        String resourceId = answer.path("resource_id").asText("");
        if (!RESOURCE_ID.matcher(resourceId).matches()) {
            throw new IllegalStateException("the cloud provisioner answered without a usable resource_id");
        }
        tenants.cloudResource(tenant.tenantId(), resourceId);
        return StepOutcome.done();
    }

    /** Undo of {@code provision-cloud-resources} and destroy's {@code release-cloud-resources}: DELETE; 404 is fine. */
    public StepOutcome release(TenantRecord tenant) {
        String resourceId = tenant.cloudResourceId();
        if (resourceId == null) {
            return StepOutcome.skipped("no cloud resource");
        }
        if (!configured) {
            throw new IllegalStateException("cloud resource " + resourceId
                    + " cannot be released: CLOUD_PROVISIONER_URL is not set");
        }
        if (!RESOURCE_ID.matcher(resourceId).matches()) {
            throw new IllegalStateException("the recorded cloud resource id is not a valid resource id");
        }
        Exchange result = template.send("direct:cloud-delete-resource",
                exchange -> exchange.getMessage().setHeader(Exchange.HTTP_PATH, resourceId));
        Exception failure = result.getException();
        if (failure != null && !(failure instanceof HttpOperationFailedException http && http.getStatusCode() == 404)) {
            throw failure("releasing cloud resource " + resourceId, failure);
        }
        tenants.cloudResource(tenant.tenantId(), null);
        return StepOutcome.done();
    }

    private static JsonNode parse(String body) {
        try {
            return Json.MAPPER.readTree(body == null ? "" : body);
        } catch (Exception e) {
            throw new IllegalStateException("the cloud provisioner answered with something other than JSON");
        }
    }

    /**
     * The step's failure, after the route's own retries: the cause's message only, not the cause, so
     * the engine's transient-failure policy does not retry (and multiply) what the route already did.
     */
    private static IllegalStateException failure(String doing, Exception cause) {
        if (cause instanceof HttpOperationFailedException http) {
            String body = http.getResponseBody() == null ? "" : http.getResponseBody().strip();
            return new IllegalStateException(doing + ": the cloud provisioner answered " + http.getStatusCode()
                    + (body.isEmpty() ? "" : " " + body.substring(0, Math.min(body.length(), MAX_ERROR_CHARS))));
        }
        return new IllegalStateException(doing + ": " + Failures.innermost(cause));
    }
}
