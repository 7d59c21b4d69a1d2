package io.onboarding.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code --url}, {@code --token-file} and {@code --output}, accepted by every command wherever they
 * stand on the line ({@code -o json tenants list} and {@code tenants list -o json} alike). Each
 * command gets its own copy of the options, and the value given nearest the last command wins.
 * (picocli's inherited options do not bind to the parameters of {@code @Command} methods.)
 */
final class GlobalOptions {

    static final String URL = "--url";
    static final String TOKEN_FILE = "--token-file";
    static final String OUTPUT = "--output";

    private final ParseResult parsed;

    GlobalOptions(ParseResult parsed) {
        this.parsed = parsed;
    }

    static void addTo(CommandSpec command) {
        command.addOption(OptionSpec.builder(URL).paramLabel("URL").type(String.class)
                .description("The service's base URL (default: ONBOARDING_URL, else http://localhost:$SERVER_PORT).")
                .build());
        command.addOption(OptionSpec.builder(TOKEN_FILE).paramLabel("FILE").type(Path.class)
                .description("File holding the API token (default: ONBOARDING_API_TOKEN,"
                        + " ONBOARDING_API_TOKEN_FILE, $DATA_DIR/api-token).")
                .build());
        command.addOption(OptionSpec.builder("-o", OUTPUT).paramLabel("FORMAT").type(Output.Format.class)
                .description("table (aligned columns, the default) or json (the API's JSON as is).")
                .build());
    }

    String url() {
        return value(URL, null);
    }

    Path tokenFile() {
        return value(TOKEN_FILE, null);
    }

    Output.Format output() {
        return value(OUTPUT, Output.Format.table);
    }

    private <T> T value(String option, T fallback) {
        T value = fallback;
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption(option)) {
                value = level.matchedOptionValue(option, fallback);
            }
        }
        return value;
    }
}
