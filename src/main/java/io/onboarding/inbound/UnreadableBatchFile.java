package io.onboarding.inbound;

/** A batch file that cannot be read at all (not even its first record): it goes to .failed/. */
public final class UnreadableBatchFile extends RuntimeException {

    public UnreadableBatchFile(String message, Throwable cause) {
        super(message, cause);
    }
}
