package io.onboarding.access;

import io.onboarding.kit.Refusal;
import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.HttpReplies;
import io.onboarding.kit.Json;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;

/**
 * {@code /api/v1/tokens} (admin only, see {@link Scope}): create (the token is in this one reply and
 * nowhere else), list (never a token or its hash), revoke (refused from the next call on).
 */
public final class TokenApi {

    private final ApiTokenRepository tokens;
    private final TokenAuthority authority;

    public TokenApi(ApiTokenRepository tokens, TokenAuthority authority) {
        this.tokens = tokens;
        this.authority = authority;
    }

    public void create(Exchange exchange) {
        TokenRequest request = TokenRequest.from(Json.parse(exchange.getMessage().getBody(String.class)));
        ApiCall call = ApiCall.of(exchange);
        String token = TokenAuthority.newToken();
        ApiTokenRepository.StoredToken stored = tokens.insert(UUID.randomUUID(), request.name(), request.scopes(),
                TokenAuthority.hash(token), call == null || call.caller() == null ? null : call.caller().tokenName(),
                request.expiresAt());
        Map<String, Object> reply = view(stored);
        reply.put("token", token);
        HttpReplies.json(exchange, 201, reply);
    }

    public void list(Exchange exchange) {
        List<Map<String, Object>> items = tokens.list().stream().map(TokenApi::view).toList();
        HttpReplies.json(exchange, 200, Map.of("items", items));
    }

    public void revoke(Exchange exchange) {
        UUID tokenId = ApiRequests.uuid(exchange, "tokenId", "token_id");
        byte[] hash = tokens.revoke(tokenId).orElseThrow(() -> Refusal.notFound("token"));
        authority.forget(hash);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        exchange.getMessage().setBody(null);
    }

    private static Map<String, Object> view(ApiTokenRepository.StoredToken token) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("token_id", token.tokenId());
        view.put("name", token.name());
        view.put("scopes", token.scopes());
        view.put("created_by", token.createdBy());
        view.put("created_at", token.createdAt());
        view.put("expires_at", token.expiresAt());
        view.put("revoked_at", token.revokedAt());
        view.put("status", token.revokedAt() != null ? "revoked"
                : token.expiresAt() != null && !token.expiresAt().isAfter(OffsetDateTime.now()) ? "expired" : "active");
        return view;
    }
}
