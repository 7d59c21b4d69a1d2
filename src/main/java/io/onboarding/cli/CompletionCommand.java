package io.onboarding.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code completion}: the bash completion script of the whole command tree, made by picocli. */
@Command(name = "completion", description = {"Print a bash completion script for the command 'tenant-onboarding'.",
        "Use: source <(java -jar tenant-onboarding.jar completion), with 'tenant-onboarding' an alias or script"
                + " that runs the jar."})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return OnboardingCli.DONE;
    }
}
