package io.onboarding.web;

import io.onboarding.kit.ApiRequests;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The one list of Camel header names the service's routes and beans read or set for their own use.
 * None of them may come from outside: an HTTP request header or query parameter, or a JMS property,
 * of one of these names (any case) is dropped by Camel's header filter strategy before the route sees
 * it ({@link InboundHeaderFilter} on platform-http, {@link InboundJmsHeaderFilter} on jms), and so is
 * anything named like a Camel header ({@code Camel…}, {@code org.apache.camel.…}, any case).
 * Path parameters are set by platform-http after the filter, from the path only; query parameters are
 * read from the request's query string ({@link ApiRequests#query}), never from headers.
 * <p>
 * {@code InternalHeadersTest} sends every name here as a header and as a query parameter and checks
 * that the call and its audit row are unchanged, and scans {@code routes/*.yaml} and the Java sources
 * for header names, failing on one that is in neither this list nor {@link #HTTP}: a new internal
 * header has to be added here, and is then covered.
 */
public final class InternalHeaders {

    /** Header names that are ours: path parameters, query parameters, and headers our routes set or read. */
    public static final Set<String> NAMES = Set.of(
            // path parameters of the REST routes (set by platform-http from the path, after the filter)
            "tenantId", "userId", "operationId", "tokenId", "token",
            // query parameters (read from the query string; dropped as headers so none can stand in for one)
            "status", "plan", "region", "limit", "cursor", "tenant_id", "type", "wait", "action", "since",
            "confirm", "repair",
            // headers our own routes and beans set or read
            "event", "reason", "originalMessageId", "dashboardUid", "onboardingGivenUp", "Location", "Retry-After", "WWW-Authenticate",
            "Cache-Control",
            "To", "Subject", "Idempotency-Key", "JMSMessageID");

    /**
     * Real HTTP request headers the service reads on purpose (they come from outside by design), and
     * HTTP headers it sets only on calls of its own to other services.
     */
    public static final Set<String> HTTP = Set.of("Authorization", "User-Agent", "X-Request-Id", "Content-Type",
            "Content-Length", "Transfer-Encoding", "Accept");

    /** Camel's own header names, in any case. */
    public static final Pattern CAMEL = Pattern.compile("(?i)(camel|org\\.apache\\.camel\\.).*");

    private InternalHeaders() {
    }

    /** {@link #NAMES} in lower case, as the filters compare them. */
    public static Set<String> lowerCase() {
        Set<String> lower = new TreeSet<>();
        NAMES.forEach(name -> lower.add(name.toLowerCase(Locale.ROOT)));
        return lower;
    }

    /** Whether a header of this name, from outside, is dropped. */
    public static boolean isInternal(String name) {
        return name != null && (CAMEL.matcher(name).matches() || lowerCase().contains(name.toLowerCase(Locale.ROOT)));
    }
}
