package io.onboarding.inbound;

import io.onboarding.observe.OnboardingMetrics;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/** Requests that arrive other than by REST: batch files in the inbox, and JMS messages. */
public class InboundConfiguration implements CamelConfiguration {

    @BindToRegistry("inboundRequests")
    public InboundRequests inboundRequests(CamelContext camel, io.onboarding.operation.OperationRunner runner) {
        return new InboundRequests(camel, runner);
    }

    /**
     * Which instance handles an inbox file (several may share the directory), and the contents handled
     * already: the same file dropped twice is not processed twice, its digest is kept in the control plane.
     */
    @BindToRegistry("inboxFileClaims")
    public InboxFileClaims inboxFileClaims(DataSource controlPlane) {
        return new InboxFileClaims(controlPlane);
    }

    @BindToRegistry("inboxBatchFiles")
    public InboxBatchFiles inboxBatchFiles(InboundRequests requests, InboxFileClaims claims, OnboardingMetrics metrics,
            @PropertyInject("onboarding.inbox-dir") String inboxDir,
            @PropertyInject("onboarding.inbox.max-record-bytes") int maxRecordBytes) {
        return new InboxBatchFiles(requests, claims, Path.of(inboxDir).toAbsolutePath().normalize(), maxRecordBytes,
                metrics);
    }

    @BindToRegistry("jmsTenantRequests")
    public JmsTenantRequests jmsTenantRequests(CamelContext camel, InboundRequests requests,
            OnboardingMetrics metrics, @PropertyInject("onboarding.jms.max-message-bytes") int maxMessageBytes) {
        return new JmsTenantRequests(camel, requests, metrics, maxMessageBytes);
    }
}
