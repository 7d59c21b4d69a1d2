package io.onboarding.access;

import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * {@code X-Request-Id}: the caller's when it is sane (a short token of letters, digits and
 * {@code . _ : -}, so it can go into logs, audit rows and headers as it is), otherwise a new UUID.
 * While a request is served, its id is in the log MDC as {@code request_id}.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "request_id";

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private RequestIds() {
    }

    /** The offered id if it is sane, else a new one. */
    public static String acceptOrNew(String offered) {
        return offered != null && SANE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    }

    /** Puts a request id (if not null) in the log MDC until closed: background work done for a request. */
    public static MDC.MDCCloseable inMdc(String requestId) {
        return requestId == null ? null : MDC.putCloseable(MDC_KEY, requestId);
    }

    /** The id of the request this thread is serving, or null (inbox, JMS, background work). */
    public static String current() {
        return MDC.get(MDC_KEY);
    }
}
