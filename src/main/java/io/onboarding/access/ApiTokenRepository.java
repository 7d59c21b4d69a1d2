package io.onboarding.access;

import io.onboarding.kit.Refusal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every statement on {@code api_tokens}. Tokens are found by their hash, never stored themselves. */
public final class ApiTokenRepository {

    /** A token as stored: never its value, and its hash only for lookups. */
    public record StoredToken(UUID tokenId, String name, List<String> scopes, String createdBy,
                              OffsetDateTime createdAt, OffsetDateTime expiresAt, OffsetDateTime revokedAt) {
    }

    private static final String COLUMNS = "token_id, name, scopes, created_by, created_at, expires_at, revoked_at";

    private final JdbcTemplate jdbc;

    public ApiTokenRepository(DataSource controlPlane) {
        this.jdbc = new JdbcTemplate(controlPlane);
    }

    /** Records a new token; a name a live token has is a 409. */
    public StoredToken insert(UUID tokenId, String name, List<String> scopes, byte[] tokenHash, String createdBy,
                              OffsetDateTime expiresAt) {
        try {
            return jdbc.queryForObject("INSERT INTO api_tokens (token_id, name, scopes, token_hash, created_by, expires_at)"
                    + " VALUES (?, ?, ?::text[], ?, ?, ?) RETURNING " + COLUMNS, ApiTokenRepository::row,
                    tokenId, name, "{" + String.join(",", scopes) + "}", tokenHash, createdBy, expiresAt);
        } catch (DuplicateKeyException e) {
            throw Refusal.conflict("a token named " + name + " exists; revoke it first", "name");
        }
    }

    /** The token with this hash (revoked or expired ones too: the caller says why it is refused). */
    public Optional<StoredToken> findByHash(byte[] tokenHash) {
        return jdbc.query("SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = ?", ApiTokenRepository::row,
                (Object) tokenHash).stream().findFirst();
    }

    public List<StoredToken> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at, token_id", ApiTokenRepository::row);
    }

    /** Revokes the token (a revoked one stays as it was); its hash, or empty if there is no such token. */
    public Optional<byte[]> revoke(UUID tokenId) {
        return jdbc.query("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE token_id = ?"
                + " RETURNING token_hash", (rs, i) -> rs.getBytes(1), tokenId).stream().findFirst();
    }

    private static StoredToken row(ResultSet rs, int i) throws SQLException {
        Array scopes = rs.getArray(3);
        return new StoredToken(rs.getObject(1, UUID.class), rs.getString(2), List.of((String[]) scopes.getArray()),
                rs.getString(4), rs.getObject(5, OffsetDateTime.class), rs.getObject(6, OffsetDateTime.class),
                rs.getObject(7, OffsetDateTime.class));
    }
}
