package io.onboarding.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the CLI finds the service and the bearer token it shows: {@code --url}, else
 * {@code ONBOARDING_URL}, else {@code http://localhost:$SERVER_PORT} (8080); the token from
 * {@code --token-file}, else {@code ONBOARDING_API_TOKEN}, else the file named by
 * {@code ONBOARDING_API_TOKEN_FILE}, else {@code $DATA_DIR/api-token} (DATA_DIR default {@code ./data}),
 * the file the service writes when it generates the token.
 */
record ServiceAddress(URI baseUrl, String source, Map<String, String> environment, Path tokenFileOption) {

    static ServiceAddress of(Map<String, String> environment, String urlOption, Path tokenFileOption) {
        String fromEnvironment = environment.get("ONBOARDING_URL");
        String port = environment.get("SERVER_PORT");
        String source = urlOption != null ? "from --url"
                : fromEnvironment != null && !fromEnvironment.isBlank() ? "from ONBOARDING_URL"
                : port != null && !port.isBlank() ? "from SERVER_PORT=" + port.strip()
                : "the default; neither --url nor ONBOARDING_URL is set";
        String url = urlOption != null ? urlOption
                : nonEmpty(fromEnvironment, "http://localhost:" + nonEmpty(port, "8080"));
        try {
            URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return new ServiceAddress(uri, source, environment, tokenFileOption);
        } catch (IllegalArgumentException e) {
            throw new CliUsageException("the service URL '" + url + "' is not valid (" + e.getMessage()
                    + "); give --url or ONBOARDING_URL as http://host:port");
        }
    }

    /** The bearer token; read when a call is made, so {@code --help} needs none. */
    String token() {
        if (tokenFileOption != null) {
            return read(tokenFileOption, "--token-file");
        }
        String token = environment.get("ONBOARDING_API_TOKEN");
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        String file = environment.get("ONBOARDING_API_TOKEN_FILE");
        if (file != null && !file.isBlank()) {
            return read(Path.of(file), "ONBOARDING_API_TOKEN_FILE");
        }
        Path generated = Path.of(nonEmpty(environment.get("DATA_DIR"), "./data"), "api-token");
        if (Files.isReadable(generated)) {
            return read(generated, "$DATA_DIR/api-token");
        }
        throw new CliUsageException("no API token: set ONBOARDING_API_TOKEN or ONBOARDING_API_TOKEN_FILE, give"
                + " --token-file, or run where the service keeps $DATA_DIR/api-token (" + generated + " is not there)");
    }

    URI resolve(String pathAndQuery) {
        return URI.create(baseUrl + pathAndQuery);
    }

    private static String read(Path file, String source) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.isEmpty()) {
                throw new CliUsageException(source + " names an empty file: " + file);
            }
            return token;
        } catch (IOException e) {
            throw new CliUsageException("cannot read the API token from " + file + " (" + source + "): " + e.getMessage());
        }
    }

    private static String nonEmpty(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
