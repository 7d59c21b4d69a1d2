package io.onboarding.api;

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
    @BeanInject("bearerTokenGuard")
    private BearerTokenGuard apiGuard;
    @BeanInject("auditLog")
    private AuditLog auditLog;
    @BeanInject("requestsFirst")
    private RequestsFirst requestsFirst;

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
        FrontGate frontGate = new FrontGate(apiGuard, auditLog, maxBodyBytes,
                MetricsAccess.of(metricsToken, metricsOpen), requestsFirst);
        camel.addStartupListener((context, alreadyStarted) -> frontGate.install(context, port));
    }
}
