package io.onboarding.access;

/**
 * The admin token the service starts with (ONBOARDING_API_TOKEN, or generated into
 * {@code $DATA_DIR/api-token}); bound by the service, which owns it. Never printed.
 */
public record BootstrapToken(String value) {

    /** How the audit log names calls made with it. */
    public static final String NAME = "bootstrap-admin";

    public BootstrapToken {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the admin token must not be empty");
        }
    }

    @Override
    public String toString() {
        return "BootstrapToken[***]";
    }
}
