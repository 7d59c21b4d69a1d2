package io.onboarding.secrets;

/** The secret store could not be reached or refused the call (after retries). */
public final class SecretStoreUnavailable extends RuntimeException implements io.onboarding.kit.Failures.RetriesSpent {

    public SecretStoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
