package io.onboarding.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Talks to the service's HTTP API as a user's script would. */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Response(int status, JsonNode body, HttpResponse<String> raw) {
        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }
    }

    // HTTP/1.1 as curl and most scripts speak it: the default HTTP/2 asks for an h2c upgrade on plain
    // http, and a large reply after that upgrade once failed as a protocol error.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;
    private final Map<String, String> headers;

    public ApiClient(String baseUrl, String token) {
        this(baseUrl, token, Map.of());
    }

    private ApiClient(String baseUrl, String token, Map<String, String> headers) {
        this.baseUrl = baseUrl;
        this.token = token;
        this.headers = headers;
    }

    /** The same client with another bearer token (null: none). */
    public ApiClient withToken(String otherToken) {
        return new ApiClient(baseUrl, otherToken, headers);
    }

    /**
     * The same client on connections of its own, for a request the server answers by closing the
     * connection without saying so (a request line over its limit): no later request reuses that one.
     */
    public ApiClient onOwnConnections() {
        return new ApiClient(baseUrl, token, headers);
    }

    /** The same client sending one more header on every request (X-Request-Id, User-Agent). */
    public ApiClient withHeader(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiClient(baseUrl, token, Map.copyOf(more));
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response patch(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    /** A POST with no bearer token and no body, as a user following a mailed link would send it. */
    public Response postUrl(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), json(response.body()), response);
        } catch (Exception e) {
            throw new IllegalStateException("HTTP call failed: " + e.getMessage(), e);
        }
    }

    /** The current value of one series on /observe/metrics (read with this client's token), NaN if absent. */
    public double metric(String series) {
        for (String line : get("/observe/metrics").raw().body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    /** The body as JSON, or null when there is none or it is not JSON (read it from raw()). */
    private static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (Exception notJson) {
            return null;
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        headers.forEach(builder::setHeader);
        return builder;
    }

    private Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), json(response.body()), response);
        } catch (Exception e) {
            throw new IllegalStateException("HTTP call failed: " + e.getMessage(), e);
        }
    }
}
