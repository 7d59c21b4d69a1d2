package io.onboarding.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The service's HTTP API as the CLI uses it: JSON in and out with the bearer token. A 2xx answer is
 * returned; any other is thrown as {@link ApiRefused}; no answer at all as {@link ServiceUnreachable}.
 */
final class OnboardingApi {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Longer than any long poll the CLI asks for ({@code ?wait=}, see {@link OperationFollower}). */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final ServiceAddress address;
    // HTTP/1.1 only: the default (HTTP/2) asks for an h2c upgrade on plain http, which the service need not speak.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).build();

    OnboardingApi(ServiceAddress address) {
        this.address = address;
    }

    ApiAnswer get(String path, Map<String, String> query) {
        return send("GET", path + queryString(query), HttpRequest.BodyPublishers.noBody(), false);
    }

    ApiAnswer get(String path) {
        return get(path, Map.of());
    }

    /** A POST with a JSON body, or with none when {@code body} is null. */
    ApiAnswer post(String path, Object body) {
        return send("POST", path, publisher(body), body != null);
    }

    ApiAnswer patch(String path, Object body) {
        return send("PATCH", path, publisher(body), true);
    }

    ApiAnswer delete(String path, Map<String, String> query) {
        return send("DELETE", path + queryString(query), HttpRequest.BodyPublishers.noBody(), false);
    }

    /** Query parameters as name, value, name, value...; a null value leaves its parameter out. */
    static Map<String, String> query(String... namesAndValues) {
        Map<String, String> query = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            query.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return query;
    }

    /** A path segment from user input, encoded so it stays one segment. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private ApiAnswer send(String method, String pathAndQuery, HttpRequest.BodyPublisher body, boolean json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(address.resolve(pathAndQuery))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("User-Agent", "tenant-onboarding-cli")
                .header("Authorization", "Bearer " + address.token())
                .method(method, body);
        if (json) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ServiceUnreachable(address.baseUrl(), address.source(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnreachable(address.baseUrl(), address.source(), e);
        }
        ApiAnswer answer = new ApiAnswer(response.statusCode(), response.body());
        if (answer.status() / 100 != 2) {
            throw new ApiRefused(method, pathAndQuery, answer);
        }
        return answer;
    }

    private static HttpRequest.BodyPublisher publisher(Object body) {
        if (body == null) {
            return HttpRequest.BodyPublishers.noBody();
        }
        try {
            return HttpRequest.BodyPublishers.ofString(ApiAnswer.JSON.writeValueAsString(body), StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the request as JSON", e);
        }
    }

    /** {@code ?a=1&b=2} of the parameters that have a value, encoded; empty when none has. */
    private static String queryString(Map<String, String> query) {
        StringJoiner joined = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                joined.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return joined.toString();
    }
}
