package io.onboarding.access;

import io.onboarding.kit.Refusal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who a bearer token is: the bootstrap admin, a live token of {@code api_tokens}, or nobody (401).
 *
 * <p>Tokens are kept as SHA-256 hashes. A plain fast hash is enough here, unlike for passwords: a
 * token is 256 random bits, so there is nothing to guess from the hash, and a slow hash would put
 * a deliberate cost on every API call. The hash is the lookup key, so the database compares hashes,
 * never tokens; the bootstrap token's hash is compared in constant time.
 *
 * <p>A token verified against the database is remembered for {@code cacheFor} (the accept path
 * runs this for every call); its expiry is checked on every call all the same. Revoking through
 * this instance forgets it at once; another instance notices within {@code cacheFor}.
 */
public final class TokenAuthority {

    /** Tokens handed out look like {@code onb_<43 base64url characters>}. */
    private static final String PREFIX = "onb_";
    private static final int TOKEN_BYTES = 32;
    private static final int MAX_REMEMBERED = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Remembered(Caller caller, OffsetDateTime expiresAt, long until) {
    }

    private final byte[] bootstrapHash;
    private final ApiTokenRepository tokens;
    private final long cacheNanos;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    /** Counts revocations, so a lookup that raced one is not remembered. */
    private final AtomicLong revocations = new AtomicLong();

    public TokenAuthority(BootstrapToken bootstrap, ApiTokenRepository tokens, Duration cacheFor) {
        this.bootstrapHash = hash(bootstrap.value());
        this.tokens = tokens;
        this.cacheNanos = cacheFor.toNanos();
    }

    /** Only the bootstrap token is valid (no control plane: route tests). */
    public static TokenAuthority bootstrapOnly(String token) {
        return new TokenAuthority(new BootstrapToken(token), null, Duration.ZERO);
    }

    /** The caller behind an {@code Authorization} header; a 401 if there is none. */
    public Caller verify(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("a bearer token is required");
        }
        byte[] hash = hash(authorization.substring(7).trim());
        if (MessageDigest.isEqual(hash, bootstrapHash)) {
            return new Caller(BootstrapToken.NAME, EnumSet.of(Scope.ADMIN));
        }
        String key = HexFormat.of().formatHex(hash);
        Remembered known = remembered.get(key);
        if (known == null || System.nanoTime() - known.until() > 0) {
            known = lookUp(hash, key);
        }
        if (known.expiresAt() != null && !OffsetDateTime.now().isBefore(known.expiresAt())) {
            throw unauthorized("the bearer token has expired");
        }
        return known.caller();
    }

    private Remembered lookUp(byte[] hash, String key) {
        long revocationsBefore = revocations.get();
        ApiTokenRepository.StoredToken token = Optional.ofNullable(tokens).flatMap(store -> store.findByHash(hash))
                .orElseThrow(() -> unauthorized("the bearer token is not valid"));
        if (token.revokedAt() != null) {
            remembered.remove(key);
            throw unauthorized("the bearer token has been revoked");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        token.scopes().stream().map(Scope::fromWire).filter(java.util.Objects::nonNull).forEach(scopes::add);
        Remembered known = new Remembered(new Caller(token.name(), Set.copyOf(scopes)), token.expiresAt(),
                System.nanoTime() + cacheNanos);
        if (cacheNanos > 0) {
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
            remembered.put(key, known);
            if (revocations.get() != revocationsBefore) {
                remembered.remove(key); // a revocation ran meanwhile: ask the database next time
            }
        }
        return known;
    }

    /** After a token was revoked in the database: this instance refuses it from now on. */
    public void forget(byte[] tokenHash) {
        revocations.incrementAndGet();
        remembered.remove(HexFormat.of().formatHex(tokenHash));
    }

    /** A new token: 256 random bits. */
    public static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Refusal unauthorized(String message) {
        return new Refusal(401, "unauthorized", message);
    }
}
