package io.onboarding.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar tenant-onboarding.jar COMMAND}: a client of the service's HTTP API. It never starts
 * Camel nor opens a database; everything it does is a call to {@code /api/v1}.
 */
@Command(name = "tenant-onboarding", mixinStandardHelpOptions = true, versionProvider = OnboardingCli.Version.class,
        description = "Onboard and manage tenants through the tenant onboarding service's API.",
        subcommands = {ServeCommand.class, TenantsCommand.class, OperationsCommand.class, UsersCommand.class,
                BackupsCommand.class, CompletionCommand.class},
        footerHeading = "%nEnvironment:%n",
        footer = {"  ONBOARDING_URL        the service; default http://localhost:$SERVER_PORT",
                "                        (SERVER_PORT default 8080)",
                "  ONBOARDING_API_TOKEN  the bearer token; else the file named by",
                "                        ONBOARDING_API_TOKEN_FILE, else $DATA_DIR/api-token",
                "                        (DATA_DIR default ./data)",
                "",
                "Exit codes:",
                "  0  done",
                "  1  the operation failed (or the service answered 5xx)",
                "  2  bad usage, or a request the API refused (4xx)",
                "  3  cannot reach the service",
                "  4  --wait: the operation waits for a decision (an enterprise tenant's",
                "     approval: tenants approve|reject TENANT_ID)"})
public final class OnboardingCli {

    public static final int DONE = 0;
    public static final int FAILED = 1;
    public static final int BAD_USAGE = 2;
    public static final int UNREACHABLE = 3;
    /** {@code --wait} stopped following: the operation waits for a decision (approval), not for time. */
    public static final int AWAITING_DECISION = 4;

    @Spec
    private CommandSpec spec;

    /** What {@code serve} runs: the service, which this package does not know (the jar's main class hands it in). */
    @FunctionalInterface
    public interface Server {
        void runUntilStopped() throws Exception;
    }

    private final Map<String, String> environment;
    private final Server server;
    private GlobalOptions options;

    private OnboardingCli(Map<String, String> environment, Server server) {
        this.environment = environment;
        this.server = server;
    }

    /** The whole command tree, reading its settings from this environment; {@code serve} is refused. */
    public static CommandLine commandLine(Map<String, String> environment) {
        return commandLine(environment, () -> {
            throw new CliUsageException("serve runs from the jar: java -jar tenant-onboarding.jar serve");
        });
    }

    /** The whole command tree, reading its settings from this environment; {@code serve} runs {@code server}. */
    public static CommandLine commandLine(Map<String, String> environment, Server server) {
        OnboardingCli cli = new OnboardingCli(environment, server);
        CommandLine commandLine = new CommandLine(cli);
        commonOptions(commandLine);
        commandLine.setExecutionStrategy(parseResult -> {
            cli.options = new GlobalOptions(parseResult);
            return new CommandLine.RunLast().execute(parseResult);
        });
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((failure, command, parseResult) -> failed(failure, command));
        return commandLine;
    }

    /** Runs one command line against {@link System#getenv()}; returns the exit code. */
    public static int execute(Server server, String... args) {
        return commandLine(System.getenv(), server).execute(args);
    }

    Server server() {
        return server;
    }

    OnboardingApi api() {
        return new OnboardingApi(ServiceAddress.of(environment, options.url(), options.tokenFile()));
    }

    Output output() {
        return new Output(options.output(), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** What a command that started an operation prints: the API's answer, or with {@code --wait} the operation followed. */
    int started(ApiAnswer answer, boolean wait) {
        Output out = output();
        if (!wait) {
            out.object(answer);
            out.note("follow it: tenant-onboarding operations wait " + answer.json().path("operation_id").asText());
            return DONE;
        }
        com.fasterxml.jackson.databind.JsonNode started = answer.json();
        // What was started, first: the tenant id of a new tenant is what the next command needs.
        out.progress("tenant " + started.path("tenant_id").asText("-") + ": operation "
                + started.path("operation_id").asText() + " (" + started.path("type").asText("?") + ") started");
        return new OperationFollower(api(), out).follow(started.path("operation_id").asText());
    }

    private static int failed(Exception failure, CommandLine command) {
        Output out = new Output(Output.Format.table, command.getOut(), command.getErr());
        if (failure instanceof ApiRefused refused) {
            out.error(refused.answer());
            return refused.exitCode();
        }
        if (failure instanceof ServiceUnreachable) {
            out.error(failure.getMessage());
            return UNREACHABLE;
        }
        if (failure instanceof CliUsageException) {
            out.error(failure.getMessage());
            return BAD_USAGE;
        }
        out.error("unexpected " + failure);
        return FAILED;
    }

    /**
     * {@code --help}, {@code --version} and the {@link GlobalOptions} on every command. The help
     * options of {@code @Command} methods are declared in their annotation: picocli expects them
     * before the method's parameters, so they cannot be added afterwards.
     */
    private static void commonOptions(CommandLine commandLine) {
        if (!commandLine.getCommandSpec().mixinStandardHelpOptions()) {
            commandLine.getCommandSpec().mixinStandardHelpOptions(true);
        }
        GlobalOptions.addTo(commandLine.getCommandSpec());
        commandLine.getSubcommands().values().forEach(OnboardingCli::commonOptions);
    }

    /** The jar's Implementation-Version (set by the build), or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = OnboardingCli.class.getPackage().getImplementationVersion();
            return new String[] {"tenant-onboarding " + (version == null ? "development" : version)};
        }
    }
}
