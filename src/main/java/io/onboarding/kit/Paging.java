package io.onboarding.kit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.apache.camel.Exchange;

/** The {@code limit} and {@code cursor} query parameters of a listing paged by (created_at, id). */
public final class Paging {

    /** Where the previous page ended; both null on the first page. */
    public record Position(OffsetDateTime createdAt, UUID id) {
    }

    /** One page of a listing; {@code next_cursor} is written as null on the last page, not dropped. */
    public record Page<T>(List<T> items, @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {
    }

    private Paging() {
    }

    /**
     * The page from {@code rows} read with {@code limit + 1}: at most {@code limit} items, and a
     * next cursor if there was one more row.
     */
    public static <T> Page<T> page(List<T> rows, int limit, Function<T, OffsetDateTime> createdAt,
                                   Function<T, UUID> id) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        T last = rows.get(limit - 1);
        return new Page<>(rows.subList(0, limit), next(createdAt.apply(last), id.apply(last)));
    }

    /** {@code limit}: absent gives the default; anything but a whole number from 1 to max is a 400. */
    public static int limit(Exchange exchange, int defaultLimit, int max) {
        String text = ApiRequests.query(exchange, "limit");
        if (text == null) {
            return defaultLimit;
        }
        int limit;
        try {
            limit = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > max) {
            throw Refusal.validation("limit", "must be a whole number from 1 to " + max);
        }
        return limit;
    }

    /** {@code cursor}: a value {@link #next} wrote, or a 400. */
    public static Position cursor(Exchange exchange) {
        String cursor = ApiRequests.query(exchange, "cursor");
        if (cursor == null) {
            return new Position(null, null);
        }
        try {
            String[] position = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
                    .split("\\|", 2);
            return new Position(OffsetDateTime.parse(position[0]), UUID.fromString(position[1]));
        } catch (RuntimeException e) {
            throw Refusal.validation("cursor", "is not a cursor this API returned");
        }
    }

    /** The cursor of the page after the one ending with this row. */
    public static String next(OffsetDateTime createdAt, UUID id) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((createdAt + "|" + id).getBytes(StandardCharsets.UTF_8));
    }
}
