package io.onboarding.broker;

import io.onboarding.config.PrivateTree;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Set;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.LargeServerMessage;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-configuration JMS broker: Artemis in-process, a persistent journal under
 * {@code $DATA_DIR/artemis}, listening on loopback only (a port it cannot bind stops its start:
 * nobody is handed a connection to whatever holds that port), one user whose password is generated once
 * into {@code $DATA_DIR/jms-password} (0600) unless JMS_USER/JMS_PASSWORD are given. Requests that
 * keep failing are redelivered with back-off, then moved to the queue {@code tenant.requests.DLQ}.
 * The journal holds requests, secrets among them: its directories are 0700 and its files 0600
 * ({@link PrivateTree}). A message larger than the cap is refused to its producer before any
 * consumer reads it (Artemis has no size limit of its own: {@link MessageSizeCap}).
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** Where requests that keep failing end: the queue of that name on the address of that name. */
    public static final String DEAD_LETTERS = "tenant.requests.DLQ";

    /** The contract's variable for the embedded broker's port, named when that port is taken. */
    public static final String PORT_VARIABLE = "JMS_EMBEDDED_PORT";

    private static final String ACCEPTOR = "tcp";

    private final EmbeddedActiveMQ broker;

    private final PrivateTree files;

    private EmbeddedBroker(EmbeddedActiveMQ broker, PrivateTree files) {
        this.broker = broker;
        this.files = files;
    }

    /**
     * {@code maxMessageBytes}: the largest request body the service reads; the broker refuses a message
     * whose encoded size is over {@link #encodedLimit} of it.
     */
    public static EmbeddedBroker start(Path directory, String host, int port, String user, String password,
                                       int maxDeliveryAttempts, long invalidQueueMaxBytes, long maxMessageBytes)
            throws Exception {
        // Created private before Artemis writes anything (it would create them 0755 and its files 0644).
        PrivateTree files = PrivateTree.create(directory, "journal", "bindings", "paging", "large-messages");
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
                .addAcceptorConfiguration(ACCEPTOR, "tcp://" + host + ":" + port);
        config.addAddressSetting("tenant.requests", new AddressSettings()
                .setMaxDeliveryAttempts(maxDeliveryAttempts)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(30_000)
                .setDeadLetterAddress(SimpleString.of(DEAD_LETTERS)));
        // The queue under its documented name, there from the start (auto-created dead-letter resources
        // would be named DLQ.tenant.requests).
        config.addQueueConfiguration(QueueConfiguration.of(DEAD_LETTERS).setAddress(DEAD_LETTERS)
                .setRoutingType(RoutingType.ANYCAST));
        config.registerBrokerPlugin(new MessageSizeCap(encodedLimit(maxMessageBytes)));
        // Invalid requests are kept for people to look at, not for ever and not without bound: once
        // the queue holds invalidQueueMaxBytes, further copies are dropped (the reason is logged).
        config.addAddressSetting("tenant.requests.invalid", new AddressSettings()
                .setMaxSizeBytes(invalidQueueMaxBytes)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP));
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config)
                .setSecurityManager(new SingleUser(user, password));
        try {
            broker.start();
            requireListening(broker, host, port);
            files.tightenAll();
        } catch (Exception e) {
            try {
                broker.stop();
            } catch (Exception notStopped) {
                e.addSuppressed(notStopped);
            }
            files.close();
            throw e;
        }
        LOG.info("Embedded Artemis broker listening on tcp://{}:{} with its journal in {}", host, port, directory);
        return new EmbeddedBroker(broker, files);
    }

    /**
     * Artemis only logs a failed bind (AMQ229230) and runs on without its acceptor; whoever then
     * connects to the port reaches the program that holds it, another instance's broker perhaps. So the
     * acceptor must be bound, to this port, before anyone is given a connection factory for it.
     */
    private static void requireListening(EmbeddedActiveMQ broker, String host, int port) {
        Acceptor acceptor = broker.getActiveMQServer().getRemotingService().getAcceptor(ACCEPTOR);
        int bound = acceptor instanceof NettyAcceptor netty ? netty.getActualPort() : 0;
        if (bound <= 0 || port != 0 && bound != port) {
            throw new IllegalStateException("The embedded JMS broker cannot listen on " + host + ":" + port
                    + ": the port is taken (another program, or another tenant-onboarding instance, listens there;"
                    + " AMQ229230 above). Set " + PORT_VARIABLE + " (onboarding.jms.embedded-port) to a free port,"
                    + " or JMS_BROKER_URL to use an external broker.");
        }
    }

    /**
     * The largest encoded message the broker takes for a body of at most {@code maxBodyBytes} UTF-8
     * bytes: Artemis encodes a text as UTF-16 (at most 2 bytes for each UTF-8 byte), and 64 KiB are
     * left for headers and properties.
     */
    public static long encodedLimit(long maxBodyBytes) {
        return 2 * maxBodyBytes + 64 * 1024;
    }

    @Override
    public void close() throws Exception {
        try {
            broker.stop();
        } finally {
            files.close();
        }
    }

    /**
     * Refuses a message whose encoded size (a large message's whole body, streamed to disk, included)
     * is over the limit, before it is routed: no consumer ever reads it, and the producer's send fails
     * with the reason. A large message's file is deleted with the refusal.
     */
    private record MessageSizeCap(long maxBytes) implements ActiveMQServerMessagePlugin {

        @Override
        public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
                               boolean noAutoCreateQueue) throws ActiveMQException {
            long size = message.getWholeMessageSize();
            if (size <= maxBytes) {
                return;
            }
            LOG.warn("Refused a message of {} bytes to {}: over the broker's limit of {} bytes", size,
                    message.getAddress(), maxBytes);
            if (message instanceof LargeServerMessage large) {
                try {
                    large.deleteFile();
                } catch (Exception e) {
                    LOG.warn("Could not delete the refused large message's file: {}", e.toString());
                }
            }
            throw new ActiveMQException(ActiveMQExceptionType.ILLEGAL_STATE, "message of " + size
                    + " bytes refused: over the broker's limit of " + maxBytes + " bytes");
        }
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
