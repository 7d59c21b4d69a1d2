package io.onboarding.platform;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Set;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-configuration JMS broker: Artemis in-process, a persistent journal under
 * {@code $DATA_DIR/artemis}, listening on loopback only, one user whose password is generated once
 * into {@code $DATA_DIR/jms-password} (0600) unless JMS_USER/JMS_PASSWORD are given. Requests that
 * keep failing are redelivered with back-off, then moved to {@code tenant.requests.DLQ}.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final EmbeddedActiveMQ broker;

    private EmbeddedBroker(EmbeddedActiveMQ broker) {
        this.broker = broker;
    }

    public static EmbeddedBroker start(Path directory, String host, int port, String user, String password,
                                       int maxDeliveryAttempts, long invalidQueueMaxBytes) throws Exception {
        Configuration config = new ConfigurationImpl()
                .setName("tenant-onboarding")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(directory.resolve("journal").toString())
                .setBindingsDirectory(directory.resolve("bindings").toString())
                .setPagingDirectory(directory.resolve("paging").toString())
                .setLargeMessagesDirectory(directory.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(directory.toString())
                .setSecurityEnabled(true)
                .setJMXManagementEnabled(false)
                // Artemis blocks every producer once the disk is 90% used, and the operations' event
                // sends with it: only a disk that is really full stops the embedded broker.
                .setMaxDiskUsage(100)
                .addAcceptorConfiguration("tcp", "tcp://" + host + ":" + port);
        config.addAddressSetting("tenant.requests", new AddressSettings()
                .setMaxDeliveryAttempts(maxDeliveryAttempts)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(30_000)
                .setDeadLetterAddress(SimpleString.of("tenant.requests.DLQ"))
                .setAutoCreateDeadLetterResources(true));
        // Invalid requests are kept for people to look at, not for ever and not without bound: once
        // the queue holds invalidQueueMaxBytes, further copies are dropped (the reason is logged).
        config.addAddressSetting("tenant.requests.invalid", new AddressSettings()
                .setMaxSizeBytes(invalidQueueMaxBytes)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP));
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config)
                .setSecurityManager(new SingleUser(user, password));
        broker.start();
        LOG.info("Embedded Artemis broker listening on tcp://{}:{} with its journal in {}", host, port, directory);
        return new EmbeddedBroker(broker);
    }

    @Override
    public void close() throws Exception {
        broker.stop();
    }

    /** The one account of the embedded broker; it may do everything. */
    private record SingleUser(String user, String password) implements ActiveMQSecurityManager {

        @Override
        public boolean validateUser(String candidateUser, String candidatePassword) {
            return user.equals(candidateUser) && candidatePassword != null && MessageDigest.isEqual(
                    password.getBytes(StandardCharsets.UTF_8), candidatePassword.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public boolean validateUserAndRole(String candidateUser, String candidatePassword, Set<Role> roles,
                                           CheckType checkType) {
            return validateUser(candidateUser, candidatePassword);
        }

        @Override
        public String toString() {
            return "SingleUser[" + user + "]";
        }
    }
}
