package io.onboarding.cloud;

import java.util.concurrent.TimeUnit;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * Bounds each call to the cloud provisioner (camel-http's own defaults wait minutes to connect and
 * forever for an answer; an expired wait is an IOException, which the route retries), and turns off
 * HttpClient's own silent retries (of a 503, say), so the route's declared policy is the only one.
 */
public final class CloudHttpClient implements HttpClientConfigurer {

    private final long timeoutMs;

    public CloudHttpClient(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    @SuppressWarnings("deprecation") // per-request connect timeout: this client's only, not the shared pool's
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
        builder.setDefaultRequestConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .setConnectTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .setResponseTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .build());
    }
}
