package io.onboarding;

/** {@code java -jar target/tenant-onboarding.jar}: runs the service until SIGTERM. */
public final class TenantOnboardingApplication {

    private TenantOnboardingApplication() {
    }

    public static void main(String[] args) throws Exception {
        TenantOnboardingService.runUntilStopped(System.getenv());
    }
}
