package io.onboarding.inbound;

import io.onboarding.monitoring.OnboardingMetrics;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;

/** Requests that arrive other than by REST: batch files in the inbox, and JMS messages. */
public class InboundConfiguration implements CamelConfiguration {

    @BindToRegistry("inboundRequests")
    public InboundRequests inboundRequests(CamelContext camel, io.onboarding.operation.OperationRunner runner) {
        return new InboundRequests(camel, runner);
    }

    /** The same file dropped twice is not processed twice: its digest is kept in the control plane. */
    @BindToRegistry("inboxFileRepository")
    public JdbcMessageIdRepository inboxFileRepository(DataSource controlPlane) {
        JdbcMessageIdRepository inboxFiles = new JdbcMessageIdRepository(controlPlane, "inbox-files");
        inboxFiles.setCreateTableIfNotExists(false);
        return inboxFiles;
    }

    @BindToRegistry("inboxBatchFiles")
    public InboxBatchFiles inboxBatchFiles(InboundRequests requests, OnboardingMetrics metrics,
            @PropertyInject("onboarding.inbox-dir") String inboxDir,
            @PropertyInject("onboarding.inbox.max-record-bytes") int maxRecordBytes) {
        return new InboxBatchFiles(requests, Path.of(inboxDir).toAbsolutePath().normalize(), maxRecordBytes, metrics);
    }

    @BindToRegistry("jmsTenantRequests")
    public JmsTenantRequests jmsTenantRequests(CamelContext camel, InboundRequests requests,
            OnboardingMetrics metrics, @PropertyInject("onboarding.jms.max-message-bytes") int maxMessageBytes) {
        return new JmsTenantRequests(camel, requests, metrics, maxMessageBytes);
    }
}
