package io.onboarding.web;

import io.onboarding.kit.Json;
import io.onboarding.kit.Refusal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.access.ApiCallAudit;
import io.onboarding.access.TokenAuthority;
import io.onboarding.operation.SubjectBusyException;
import io.onboarding.support.QuickTest;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

/**
 * The API's error shape at route level: routes/api.yaml's handler routes with their "api" and
 * "public-api" route configurations (the real BearerTokenGuard and ApiErrorResponder), handler
 * beans stubbed to fail. The REST routes themselves are filtered out, so no HTTP server starts; the
 * handlers are called on their direct: endpoints, which the REST DSL sends to.
 */
@QuickTest
class ApiErrorShapeRouteTest extends CamelMainTestSupport {

    private static final String TOKEN = "route-test-token";
    private static final UUID RUNNING = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    /** What the stub's unexpected failure says: none of it may reach the caller. */
    private static final String INTERNALS = "FATAL: password authentication failed for user \"platform\" at 10.1.2.3:5432";

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("file:routes/api.yaml").withRouteFilterIncludePattern(
                "api-create-tenant-handler,api-get-tenant-handler,api-list-tenants-handler,api-change-tenant-handler,"
                        + "api-describe-invitation-handler");
        // In production the REST DSL inlines each handler route into its REST route; kept apart here,
        // the handler routes (with their route configuration) run on their direct: endpoints and the
        // REST routes are filtered out, so no HTTP server is needed.
        configuration.rest().setInlineRoutes(false);
    }

    /** Handler beans that fail the way real ones do. */
    public static final class FailingHandlers {
        public void accepted(Exchange exchange) {
        }

        /** As tenantApi: no request here names a cluster. */
        public void checkClusterChoice(Exchange exchange) {
        }

        /** As operationRunner: admission always has room here. */
        public void checkAdmission() {
        }

        public void get(Exchange exchange) {
            throw Refusal.validation("tenantId", "is not a UUID");
        }

        public void list(Exchange exchange) {
            throw new IllegalStateException(INTERNALS);
        }

        public void change(Exchange exchange) {
            throw new SubjectBusyException(UUID.fromString("00000000-0000-0000-0000-000000000001"), RUNNING);
        }

        public void describeInvitation(Exchange exchange) {
            throw Refusal.notFound("invitation");
        }
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("bearerTokenGuard", new BearerTokenGuard(TokenAuthority.bootstrapOnly(TOKEN)));
        registry.bind("apiCallAudit", new ApiCallAudit(entry -> { }));
        registry.bind("apiErrorResponder", new ApiErrorResponder());
        for (String handler : new String[] {"tenantApi", "operationApi", "userApi", "authProviderApi", "backupApi",
                "operationRunner"}) {
            registry.bind(handler, new FailingHandlers());
        }
    }

    private Exchange call(String route, String body, boolean withToken) {
        return template.send("direct:" + route, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader("secret-query-param", "must-not-echo");
            if (withToken) {
                exchange.getMessage().setHeader("Authorization", "Bearer " + TOKEN);
            }
        });
    }

    private static JsonNode error(Exchange reply) throws Exception {
        assertThat(reply.getException()).as("handled by the route configuration").isNull();
        assertThat(reply.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(reply.getMessage().getHeaders()).doesNotContainKey("secret-query-param");
        JsonNode body = Json.MAPPER.readTree(reply.getMessage().getBody(String.class));
        assertThat(body.properties()).extracting(Map.Entry::getKey).containsExactly("error");
        return body.get("error");
    }

    @Test
    void aValidationFailureIsA400WithItsDetails() throws Exception {
        Exchange reply = call("api-get-tenant", null, true);

        assertThat(reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        JsonNode error = error(reply);
        assertThat(error.get("code").asText()).isEqualTo("validation_failed");
        assertThat(error.get("message").asText()).isEqualTo("the request is not valid");
        assertThat(error.get("details")).hasSize(1);
        assertThat(error.get("details").get(0).get("field").asText()).isEqualTo("tenantId");
        assertThat(error.get("details").get(0).get("message").asText()).isEqualTo("is not a UUID");
    }

    @Test
    void unparsableJsonIsA400ThatDoesNotQuoteTheInput() throws Exception {
        Exchange reply = call("api-create-tenant", "{\"tenant_name\": \"Acme\", oops", true);

        assertThat(reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(error(reply).get("details").get(0).get("message").asText()).isEqualTo("is not valid JSON");
        assertThat(reply.getMessage().getBody(String.class)).doesNotContain("oops");
    }

    @Test
    void anUnexpectedFailureIsA500WithNoInternals() throws Exception {
        Exchange reply = call("api-list-tenants", null, true);

        assertThat(reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(500);
        JsonNode error = error(reply);
        assertThat(error.get("code").asText()).isEqualTo("internal_error");
        assertThat(error.get("message").asText()).isEqualTo("the service failed to handle the request");
        assertThat(error.has("details")).isFalse();
        String body = reply.getMessage().getBody(String.class);
        assertThat(body).doesNotContain("password", "10.1.2.3", "IllegalStateException", "platform");
    }

    @Test
    void aBusyTenantIsA409() throws Exception {
        Exchange reply = call("api-change-tenant", "{}", true);

        assertThat(reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(409);
        JsonNode error = error(reply);
        assertThat(error.get("code").asText()).isEqualTo("conflict");
        assertThat(error.at("/details/0/field").asText()).isEqualTo("tenant_id");
        assertThat(error.at("/details/0/operation_id").asText()).isEqualTo(RUNNING.toString());
        assertThat(error.get("message").asText()).contains(RUNNING.toString());
    }

    @Test
    void aMissingTokenIsA401InTheSameShapeBeforeTheHandlerRuns() throws Exception {
        Exchange reply = call("api-list-tenants", null, false);

        assertThat(reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(401);
        assertThat(reply.getMessage().getHeader("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(error(reply).get("code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void publicRoutesNeedNoTokenAndAnswerInTheSameShape() throws Exception {
        Exchange reply = call("api-describe-invitation", null, false);

        assertThat(reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(404);
        assertThat(error(reply).get("code").asText()).isEqualTo("not_found");
    }
}
