package io.onboarding.cli;

/** The command line or its environment cannot work as given: exit code 2, the message on stderr. */
final class CliUsageException extends RuntimeException {

    CliUsageException(String message) {
        super(message);
    }
}
