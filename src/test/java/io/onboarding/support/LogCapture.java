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
    /** The same events as the service's console appender writes them (its own layout). */
    private static StringWriter console;

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
        console = new StringWriter();
        WriterAppender asConsole = WriterAppender.newBuilder()
                .setName("as-console")
                .setTarget(console)
                .setLayout(configuration.getAppender("console").getLayout())
                .build();
        asConsole.start();
        configuration.addAppender(asConsole);
        configuration.getRootLogger().addAppender(asConsole, null, null);
        context.updateLoggers();
    }

    /** What the service's console (stdout) showed, in its configured layout. */
    public static synchronized String consoleText() {
        return console == null ? "" : console.toString();
    }

    public static synchronized String text() {
        return captured == null ? "" : captured.toString();
    }
}
