package io.onboarding.console;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/** The operator console ({@code GET /}): static pages served once the HTTP server is up. */
public class ConsoleConfiguration implements CamelConfiguration {

    @PropertyInject("onboarding.server.port")
    private int port;

    @Override
    public void configure(CamelContext camel) throws Exception {
        camel.addStartupListener((context, alreadyStarted) -> ConsolePages.install(context, port));
    }
}
