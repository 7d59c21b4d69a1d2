package io.onboarding.cli;

import picocli.CommandLine.ParentCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code serve}: runs the service until SIGTERM, as the jar does with no arguments. The jar's main
 * class starts the service itself for exactly {@code serve} or no arguments; this command is reached
 * from there only for {@code serve --help}, and is what an in-process caller gets.
 */
@Command(name = "serve", description = "Run the service until SIGTERM (the same as no arguments at all).")
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    private OnboardingCli cli;

    @Override
    public Integer call() throws Exception {
        cli.server().runUntilStopped();
        return OnboardingCli.DONE;
    }
}
