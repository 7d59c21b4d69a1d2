package io.onboarding.web;

import org.apache.camel.component.jms.JmsHeaderFilterStrategy;

/**
 * The jms component's header filter strategy: besides Camel's rules, a JMS property named like one of
 * {@link InternalHeaders#NAMES} (any case) or like a Camel header (any case) does not become a header
 * of the exchange. JMS headers proper ({@code JMSMessageID}, {@code JMSReplyTo}, ...) are not
 * properties and are mapped by Camel apart from this filter.
 */
public class InboundJmsHeaderFilter extends JmsHeaderFilterStrategy {

    public InboundJmsHeaderFilter() {
        super(false);
        setInFilterStartsWith((String[]) null);
        setInFilterPattern(InternalHeaders.CAMEL);
        setCaseInsensitive(true);
        getInFilter().addAll(InternalHeaders.NAMES);
    }
}
