package io.onboarding.web;

import io.onboarding.access.TokenAuthority;
import io.onboarding.observe.ServiceHealth;
import org.apache.camel.support.CamelContextHelper;

import io.onboarding.kit.ApiDocument;

import io.onboarding.access.AuditLog;
import io.onboarding.operation.RequestsFirst;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * The front door: error replies in the contract's shape, and the gate in front of the HTTP server
 * (body size, bearer token before the body is read, the metrics token, X-Request-Id). The token
 * guard, {@code bearerTokenGuard}, and the audit log are bound by {@code access.AccessConfiguration}.
 */
public class ApiConfiguration implements CamelConfiguration {

    @PropertyInject("onboarding.server.port")
    private int port;
    @PropertyInject("onboarding.server.max-body-bytes")
    private long maxBodyBytes;
    @PropertyInject("onboarding.metrics.token")
    private String metricsToken;
    @PropertyInject("onboarding.metrics.open")
    private boolean metricsOpen;
    @PropertyInject("onboarding.public-base-url")
    private String publicBaseUrl;
    @BeanInject("auditLog")
    private AuditLog auditLog;
    @BeanInject("requestsFirst")
    private RequestsFirst requestsFirst;

    /** The bearer-token check of every /api call (and of /observe's details). */
    @BindToRegistry("bearerTokenGuard")
    public BearerTokenGuard bearerTokenGuard(TokenAuthority authority) {
        return new BearerTokenGuard(authority);
    }

    /** {@code GET /observe/health}: a dependency's error text only for a caller with a valid token. */
    @BindToRegistry("serviceHealth")
    public ServiceHealth serviceHealth(CamelContext camel, BearerTokenGuard apiGuard) {
        return new ServiceHealth(camel, authorization -> apiGuard.refusal(authorization) == null);
    }

    @BindToRegistry("apiErrorResponder")
    public ApiErrorResponder apiErrorResponder() {
        return new ApiErrorResponder();
    }

    /** {@code GET /api-doc}: the OpenAPI document, its server the PUBLIC_BASE_URL. */
    @BindToRegistry("apiDocument")
    public ApiDocument apiDocument() {
        return new ApiDocument(publicBaseUrl);
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        BearerTokenGuard apiGuard = CamelContextHelper.mandatoryLookup(camel, "bearerTokenGuard", BearerTokenGuard.class);
        FrontGate frontGate = new FrontGate(apiGuard, auditLog, maxBodyBytes,
                MetricsAccess.of(metricsToken, metricsOpen), requestsFirst);
        camel.addStartupListener((context, alreadyStarted) -> frontGate.install(context, port));
    }
}
