package io.onboarding.cli;

/** The API answered with an error (4xx: exit code 2; 5xx: exit code 1); printed from its error shape. */
final class ApiRefused extends RuntimeException {

    private final transient ApiAnswer answer;

    ApiRefused(String method, String path, ApiAnswer answer) {
        super(method + " " + path + " answered " + answer.status());
        this.answer = answer;
    }

    ApiAnswer answer() {
        return answer;
    }

    int exitCode() {
        return answer.status() < 500 ? OnboardingCli.BAD_USAGE : OnboardingCli.FAILED;
    }
}
