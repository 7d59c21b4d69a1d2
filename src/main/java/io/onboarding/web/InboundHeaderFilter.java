package io.onboarding.web;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * platform-http's header filter strategy (Camel's HTTP one, {@code camel.component.platform-http.header-filter-strategy}):
 * request headers and query parameters named like one of {@link InternalHeaders#NAMES}, or like a
 * Camel header in any case, never become headers of the exchange. The outbound side is Camel's.
 */
public class InboundHeaderFilter extends HttpHeaderFilterStrategy {

    @Override
    protected void initialize() {
        super.initialize();
        // Camel's own check is case-sensitive ("Camel", "camel"); HTTP header names are not.
        setInFilterStartsWith((String[]) null);
        setInFilterPattern(InternalHeaders.CAMEL);
        setLowerCase(true);
        getInFilter().addAll(InternalHeaders.lowerCase());
    }
}
