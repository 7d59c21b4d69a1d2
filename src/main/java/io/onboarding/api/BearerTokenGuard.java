package io.onboarding.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Lets an /api call through only with {@code Authorization: Bearer <admin token>}. The admin token
 * carries every scope, so there is no 403 yet; scoped tokens will add it here. {@link FrontGate}
 * asks the same question before a request body is read.
 */
public final class BearerTokenGuard implements Processor {

    private final byte[] adminToken;

    public BearerTokenGuard(String adminToken) {
        if (adminToken == null || adminToken.isBlank()) {
            throw new IllegalArgumentException("the admin token must not be empty");
        }
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void process(Exchange exchange) {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        // The header must not travel further into the routes (or their logs).
        exchange.getMessage().removeHeader("Authorization");
        ApiException refusal = refusal(header);
        if (refusal != null) {
            throw refusal;
        }
    }

    /** Why an Authorization header is not the admin token, or null if it is. */
    public ApiException refusal(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new ApiException(401, "unauthorized", "a bearer token is required");
        }
        if (!matches(header, adminToken)) {
            return new ApiException(401, "unauthorized", "the bearer token is not valid");
        }
        return null;
    }

    /** Whether the header is {@code Bearer <token>}, compared in constant time. */
    static boolean matches(String header, byte[] token) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
    }
}
