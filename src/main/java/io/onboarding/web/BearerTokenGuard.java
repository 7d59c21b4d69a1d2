package io.onboarding.web;

import io.onboarding.kit.Refusal;

import io.onboarding.access.ApiCall;
import io.onboarding.access.Caller;
import io.onboarding.access.TokenAuthority;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Lets an /api call through only with a valid bearer token (401) whose scopes allow the call (403).
 * {@link FrontGate} asks the first question before a request body is read; this step, after
 * {@code apiCallAudit.begin}, asks both again and names the caller for the audit log.
 */
public final class BearerTokenGuard implements Processor {

    private final TokenAuthority authority;

    public BearerTokenGuard(TokenAuthority authority) {
        this.authority = authority;
    }

    @Override
    public void process(Exchange exchange) {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        // The header must not travel further into the routes (or their logs).
        exchange.getMessage().removeHeader("Authorization");
        Caller caller = authenticate(header);
        ApiCall call = ApiCall.of(exchange);
        if (call != null) {
            call.identify(caller);
            if (!caller.permits(call.method(), call.action())) {
                throw new Refusal(403, "forbidden",
                        "the token " + caller.tokenName() + " may not " + call.action());
            }
        }
    }

    /** The caller behind an Authorization header; a 401 {@link Refusal} if there is none. */
    public Caller authenticate(String header) {
        return authority.verify(header);
    }

    /** Why an Authorization header is not a valid token, or null if it is. */
    public Refusal refusal(String header) {
        try {
            authenticate(header);
            return null;
        } catch (Refusal refused) {
            return refused;
        }
    }

    /** Whether the header is {@code Bearer <token>}, compared in constant time. */
    static boolean matches(String header, byte[] token) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
    }
}
