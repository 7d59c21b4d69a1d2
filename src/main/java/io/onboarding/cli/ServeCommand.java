package io.onboarding.cli;

import io.onboarding.TenantOnboardingService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code serve}: runs the service until SIGTERM, as the jar does with no arguments. The jar's main
 * class starts the service itself for exactly {@code serve} or no arguments; this command is reached
 * from there only for {@code serve --help}, and is what an in-process caller gets.
 */
@Command(name = "serve", description = "Run the service until SIGTERM (the same as no arguments at all).")
final class ServeCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        TenantOnboardingService.runUntilStopped(System.getenv());
        return OnboardingCli.DONE;
    }
}
