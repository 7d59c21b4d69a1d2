package io.onboarding.kit;


import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/** Reading path parameters (Camel headers) and query parameters (the query string) of an API call. */
public final class ApiRequests {

    /**
     * Exactly one address: a dot-atom local part (RFC 5322, no quoting) and a domain of DNS labels.
     * Anything a mail header would read as a list (comma, semicolon, angle brackets, quotes) is out.
     */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    private ApiRequests() {
    }

    /** One plausible email address (the mail server has the last word on whether it exists). */
    public static boolean isEmail(String value) {
        return value != null && value.length() <= 254 && value.indexOf('@') <= 64 && EMAIL.matcher(value).matches();
    }

    /** A UUID path parameter; anything else is a 400 naming the field. */
    public static UUID uuid(Exchange exchange, String header, String field) {
        try {
            return UUID.fromString(exchange.getMessage().getHeader(header, String.class));
        } catch (RuntimeException e) {
            throw Refusal.validation(field, "must be a UUID");
        }
    }

    /** The JSON body of a call whose body is optional (suspend, approve, reject): null when there is none. */
    public static com.fasterxml.jackson.databind.JsonNode optionalBody(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        return body == null || body.isBlank() ? null : Json.parse(body);
    }

    /** A query parameter, or null when absent or blank. */
    public static String query(Exchange exchange, String name) {
        String value = rawQuery(exchange, name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** A query parameter that must be a UUID when given (a filter); null when absent or blank. */
    public static UUID queryUuid(Exchange exchange, String name) {
        String value = query(exchange, name);
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw Refusal.validation(name, "must be a UUID");
        }
    }

    /**
     * A query parameter exactly as given (decoded), or null when absent: its first value, read from the
     * request's query string ({@code CamelHttpQuery}, set by platform-http from the request line), never
     * from a header of that name (the front door drops those: {@code web.InternalHeaders}).
     */
    public static String rawQuery(Exchange exchange, String name) {
        String query = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals), name);
            if (key.equals(name)) {
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1), name);
                if (value.indexOf('\0') >= 0) {
                    throw Refusal.validation(name, "must not contain NUL characters");
                }
                return value;
            }
        }
        return null;
    }

    private static String decode(String text, String field) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw Refusal.validation(field, "is not a valid URL-encoded query");
        }
    }
}
