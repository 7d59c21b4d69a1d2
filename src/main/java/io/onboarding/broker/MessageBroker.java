package io.onboarding.broker;

import io.onboarding.config.SecretFiles;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/** The external broker of JMS_BROKER_URL, or an embedded Artemis started here; sessions cached for both. */
public final class MessageBroker implements AutoCloseable {

    private final CachingConnectionFactory connections;
    private final EmbeddedBroker embedded;

    private MessageBroker(ActiveMQConnectionFactory connections, EmbeddedBroker embedded) {
        this.connections = new CachingConnectionFactory(connections);
        this.connections.setSessionCacheSize(10);
        this.embedded = embedded;
    }

    /** {@code setting} resolves an {@code onboarding.jms.*} key (empty when unset). */
    public static MessageBroker open(UnaryOperator<String> setting, Path dataDir) throws Exception {
        String user = setting.apply("onboarding.jms.user").isEmpty() ? "onboarding" : setting.apply("onboarding.jms.user");
        String password = setting.apply("onboarding.jms.password");
        if (!setting.apply("onboarding.jms.broker-url").isEmpty()) {
            return new MessageBroker(new ActiveMQConnectionFactory(setting.apply("onboarding.jms.broker-url"), user,
                    password.isEmpty() ? null : password), null);
        }
        if (password.isEmpty()) {
            password = SecretFiles.readOrCreate(dataDir.resolve("jms-password"), () -> SecretFiles.randomToken(24));
        }
        int port = Integer.parseInt(setting.apply("onboarding.jms.embedded-port"));
        EmbeddedBroker broker = EmbeddedBroker.start(dataDir.resolve("artemis"), "127.0.0.1", port, user, password,
                Integer.parseInt(setting.apply("onboarding.jms.max-delivery-attempts")),
                Integer.parseInt(setting.apply("onboarding.jms.invalid-max-bytes")),
                Integer.parseInt(setting.apply("onboarding.jms.max-message-bytes")));
        return new MessageBroker(new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port, user, password), broker);
    }

    public ConnectionFactory connectionFactory() {
        return connections;
    }

    @Override
    public void close() throws Exception {
        connections.destroy();
        if (embedded != null) {
            embedded.close();
        }
    }
}
