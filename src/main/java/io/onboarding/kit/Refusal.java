package io.onboarding.kit;

import java.util.List;
import java.util.UUID;

/** A failure the caller caused or must know about, rendered in the contract's error shape. */
public class Refusal extends RuntimeException {

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

    private final int status;
    private final String code;
    private final List<FieldError> details;

    /** Details listed in one reply; the rest are only counted, so a reply stays small whatever the input. */
    static final int MAX_DETAILS = 20;

    /** Longest field name echoed in a detail: field names can come from the input. */
    private static final int MAX_FIELD_CHARS = 200;

    public Refusal(int status, String code, String message, List<FieldError> details) {
        super(details.size() <= MAX_DETAILS ? message
                : message + " (" + (details.size() - MAX_DETAILS) + " more problems not listed)");
        this.status = status;
        this.code = code;
        this.details = details.stream().limit(MAX_DETAILS).map(Refusal::bounded).toList();
    }

    private static FieldError bounded(FieldError detail) {
        String field = detail.field();
        return field == null || field.length() <= MAX_FIELD_CHARS ? detail
                : new FieldError(field.substring(0, MAX_FIELD_CHARS) + "...", detail.message(), detail.operationId());
    }

    public Refusal(int status, String code, String message) {
        this(status, code, message, List.of());
    }

    public static Refusal validation(List<FieldError> details) {
        return new Refusal(400, "validation_failed", "the request is not valid", details);
    }

    public static Refusal validation(String field, String message) {
        return validation(List.of(new FieldError(field, message)));
    }

    public static Refusal notFound(String what) {
        return new Refusal(404, "not_found", what + " not found");
    }

    /** The secret store could not be used (after retries); the request changed nothing. */
    public static Refusal secretStoreUnavailable() {
        return new Refusal(503, "secret_store_unavailable",
                "the secret store is unavailable; nothing was changed, try again later");
    }

    public static Refusal conflict(String message, String field) {
        return new Refusal(409, "conflict", message,
                field == null ? List.of() : List.of(new FieldError(field, message)));
    }

    /** 409: the tenant runs another operation, named in the detail so the caller can wait for it. */
    public static Refusal busy(UUID tenantId, UUID runningOperationId, String message) {
        return new Refusal(409, "conflict", message, List.of(new FieldError("tenant_id",
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
        return status != 409 ? null : details.stream().map(FieldError::operationId)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<FieldError> details() {
        return details;
    }
}
