package io.onboarding;

import io.onboarding.cli.OnboardingCli;

/**
 * {@code java -jar target/tenant-onboarding.jar} (or {@code ... serve}): runs the service until
 * SIGTERM. With any other arguments it is the command-line client ({@link OnboardingCli}), which
 * talks to a running service over HTTP and never loads Camel.
 */
public final class TenantOnboardingApplication {

    private TenantOnboardingApplication() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args.length == 1 && "serve".equals(args[0])) {
            TenantOnboardingService.runUntilStopped(System.getenv());
            return;
        }
        System.exit(OnboardingCli.execute(() -> TenantOnboardingService.runUntilStopped(System.getenv()), args));
    }
}
