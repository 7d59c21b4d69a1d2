package io.onboarding.kit;

import java.util.List;
import java.util.UUID;

/**
 * A failure the caller caused or must know about, rendered in the contract's error shape. It says
 * what kind of failure it is, not how a channel tells it: the web edge maps each {@link Kind} to an
 * HTTP status ({@code web.ApiErrorResponder}), the inbox and JMS report the same error object.
 */
public class Refusal extends RuntimeException {

    /** What went wrong, as far as the caller is concerned. */
    public enum Kind {
        /** The input is not valid (a field names the problem). */
        INVALID,
        /** No valid credentials. */
        UNAUTHENTICATED,
        /** Valid credentials that may not do this. */
        FORBIDDEN,
        /** No such thing. */
        NOT_FOUND,
        /** The thing exists but does not take this method. */
        NOT_ALLOWED,
        /** The thing's state does not allow it now (another operation running, a taken name). */
        CONFLICT,
        /** It existed once and is gone for good (a used invitation link). */
        GONE,
        /** The request is too large to read. */
        TOO_LARGE,
        /** The request's media type is not one this takes. */
        UNSUPPORTED_MEDIA_TYPE,
        /** Too much is waiting already: try again after a while. */
        SATURATED,
        /** A dependency or this instance cannot serve it now: try again later. */
        UNAVAILABLE,
        /** The service failed. */
        INTERNAL;

        /** The caller's own fault (not worth retrying unchanged), as against the service's or a dependency's. */
        public boolean callersFault() {
            return this != SATURATED && this != UNAVAILABLE && this != INTERNAL;
        }
    }

    /** One problem, named by field; a 409 for a busy tenant also names the operation in the way. */
    public record FieldError(String field, String message, UUID operationId) {
        public FieldError(String field, String message) {
            this(field, message, null);
        }

        /** Where the operation in the way is followed ({@code GET …?wait=}), with its id. */
        @com.fasterxml.jackson.annotation.JsonProperty("location")
        public String location() {
            return operationId == null ? null : HttpReplies.operationLocation(operationId);
        }
    }

    private final Kind kind;
    private final String code;
    private final List<FieldError> details;

    /** Details listed in one reply; the rest are only counted, so a reply stays small whatever the input. */
    static final int MAX_DETAILS = 20;

    /** Longest field name echoed in a detail: field names can come from the input. */
    private static final int MAX_FIELD_CHARS = 200;

    public Refusal(Kind kind, String code, String message, List<FieldError> details) {
        super(details.size() <= MAX_DETAILS ? message
                : message + " (" + (details.size() - MAX_DETAILS) + " more problems not listed)");
        this.kind = kind;
        this.code = code;
        this.details = details.stream().limit(MAX_DETAILS).map(Refusal::bounded).toList();
    }

    private static FieldError bounded(FieldError detail) {
        String field = detail.field();
        return field == null || field.length() <= MAX_FIELD_CHARS ? detail
                : new FieldError(field.substring(0, MAX_FIELD_CHARS) + "...", detail.message(), detail.operationId());
    }

    public Refusal(Kind kind, String code, String message) {
        this(kind, code, message, List.of());
    }

    public static Refusal validation(List<FieldError> details) {
        return new Refusal(Kind.INVALID, "validation_failed", "the request is not valid", details);
    }

    public static Refusal validation(String field, String message) {
        return validation(List.of(new FieldError(field, message)));
    }

    public static Refusal notFound(String what) {
        return new Refusal(Kind.NOT_FOUND, "not_found", what + " not found");
    }

    /** The secret store could not be used (after retries); the request changed nothing. */
    public static Refusal secretStoreUnavailable() {
        return new Refusal(Kind.UNAVAILABLE, "secret_store_unavailable",
                "the secret store is unavailable; nothing was changed, try again later");
    }

    public static Refusal conflict(String message, String field) {
        return new Refusal(Kind.CONFLICT, "conflict", message,
                field == null ? List.of() : List.of(new FieldError(field, message)));
    }

    /** 409: the tenant runs another operation, named in the detail so the caller can wait for it. */
    public static Refusal busy(UUID tenantId, UUID runningOperationId, String message) {
        return new Refusal(Kind.CONFLICT, "conflict", message, List.of(new FieldError("tenant_id",
                "has operation " + runningOperationId + " running", runningOperationId)));
    }

    /** The contract's error object: {@code {"code","message","details"?}}. */
    public java.util.Map<String, Object> toBody() {
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("code", code);
        body.put("message", getMessage());
        if (!details.isEmpty()) {
            body.put("details", details);
        }
        return body;
    }

    /** The operation a busy-tenant 409 names, if this is one. */
    public UUID runningOperation() {
        return kind != Kind.CONFLICT ? null : details.stream().map(FieldError::operationId)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public List<FieldError> details() {
        return details;
    }
}
