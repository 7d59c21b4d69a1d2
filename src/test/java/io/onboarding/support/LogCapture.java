package io.onboarding.support;

import java.io.StringWriter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Everything the service logs in this test JVM, to check that no secret ever reaches a log line. */
public final class LogCapture {

    private static StringWriter captured;

    private LogCapture() {
    }

    public static synchronized void start() {
        if (captured != null) {
            return;
        }
        captured = new StringWriter();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        WriterAppender appender = WriterAppender.newBuilder()
                .setName("secret-check")
                .setTarget(captured)
                .setLayout(PatternLayout.newBuilder().withPattern("%level %logger %msg %throwable%n").build())
                .build();
        appender.start();
        configuration.addAppender(appender);
        configuration.getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
    }

    public static synchronized String text() {
        return captured == null ? "" : captured.toString();
    }
}
