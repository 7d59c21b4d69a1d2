package io.onboarding.access;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One audit row, as {@code GET /api/v1/audit} shows it. {@code outcome} is the HTTP status of a
 * call, or what happened for an event. Nothing in it is a secret: no body, no token, no path.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AuditEntry(@JsonIgnore UUID auditId, OffsetDateTime at, String tokenName, String action, UUID tenantId,
                         String clientAddress, String userAgent, String outcome, String requestId) {

    /** Longest user agent kept: it is whatever the caller sent. */
    private static final int MAX_USER_AGENT = 256;

    /** A new entry, timed by the database. */
    public static AuditEntry of(String tokenName, String action, UUID tenantId, String clientAddress, String userAgent,
                                String outcome, String requestId) {
        return new AuditEntry(UUID.randomUUID(), null, tokenName, action, tenantId, clientAddress,
                printable(userAgent), outcome, requestId);
    }

    /** Control characters out (log and terminal safety), length bounded. */
    private static String printable(String text) {
        if (text == null) {
            return null;
        }
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= MAX_USER_AGENT ? clean : clean.substring(0, MAX_USER_AGENT);
    }
}
