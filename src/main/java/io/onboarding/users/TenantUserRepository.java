package io.onboarding.users;

import com.fasterxml.jackson.core.type.TypeReference;
import io.onboarding.kit.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** Tenant users and their one-time links in the control plane. */
public final class TenantUserRepository {

    /** A one-time link, found by the hash of its token. */
    public record Invitation(String tokenHash, UUID userId, String purpose, OffsetDateTime expiresAt,
                             OffsetDateTime acceptedAt) {
    }

    private static final String COLUMNS = "user_id, tenant_id, email, role, teams, invited_by, database_user, status,"
            + " created_at, activated_at, credentials_rotated_at";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;

    public TenantUserRepository(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Records an invitation about to be made ('inviting'): its email is taken from here on. */
    public void insertInviting(TenantUser user) {
        jdbc.update("INSERT INTO tenant_users (user_id, tenant_id, email, role, teams, invited_by, database_user, status)"
                        + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, 'inviting')", user.userId(), user.tenantId(), user.email(),
                user.role(), Json.write(user.teams()), user.invitedBy(), user.databaseUser());
    }

    /**
     * The invitation was made (role, credential, link, mail): the user exists from here on. False if
     * the recovery pass claimed it meanwhile (it took too long): then it must not be made.
     */
    public boolean invited(UUID userId) {
        return jdbc.update("UPDATE tenant_users SET status = 'invited' WHERE user_id = ? AND status = 'inviting'",
                userId) == 1;
    }

    /**
     * Claims, for undoing, the invitations still 'inviting' after this long (left by a crash: an
     * invitation takes seconds) and those claimed before whose undoing failed.
     */
    public List<TenantUser> claimUnfinished(Duration olderThan) {
        return jdbc.query("UPDATE tenant_users SET status = 'abandoning' WHERE status = 'abandoning'"
                + " OR (status = 'inviting' AND created_at < now() - make_interval(secs => ?)) RETURNING " + COLUMNS,
                TenantUserRepository::map, (double) olderThan.toSeconds());
    }

    /** The tenant's invitations being made, or left half made by a crash. */
    public List<TenantUser> unfinishedOf(UUID tenantId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tenant_users WHERE tenant_id = ?"
                + " AND status IN ('inviting', 'abandoning')", TenantUserRepository::map, tenantId);
    }

    /** Forgets an invitation that was never made (it has no link). */
    public void deleteUnfinished(UUID userId) {
        jdbc.update("DELETE FROM tenant_users WHERE user_id = ? AND status IN ('inviting', 'abandoning')", userId);
    }

    /** Whether the user is an invitation not (or not yet) made. */
    public static boolean unfinished(TenantUser user) {
        return user.status().equals("inviting") || user.status().equals("abandoning");
    }

    public Optional<TenantUser> find(UUID tenantId, UUID userId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tenant_users WHERE tenant_id = ? AND user_id = ?"
                + " AND status NOT IN ('removed', 'inviting', 'abandoning')", TenantUserRepository::map, tenantId, userId)
                .stream().findFirst();
    }

    /** Includes an invitation being made or undone: the email is taken. */
    public Optional<TenantUser> findByEmail(UUID tenantId, String email) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tenant_users WHERE tenant_id = ? AND lower(email) = lower(?)"
                + " AND status <> 'removed'", TenantUserRepository::map, tenantId, email).stream().findFirst();
    }

    public Optional<TenantUser> findById(UUID userId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tenant_users WHERE user_id = ?", TenantUserRepository::map,
                userId).stream().findFirst();
    }

    public List<TenantUser> list(UUID tenantId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tenant_users WHERE tenant_id = ?"
                + " AND status NOT IN ('removed', 'inviting', 'abandoning') ORDER BY created_at, user_id", TenantUserRepository::map,
                tenantId);
    }

    public void activate(UUID userId) {
        jdbc.update("UPDATE tenant_users SET status = 'active', activated_at = coalesce(activated_at, now())"
                + " WHERE user_id = ? AND status = 'invited'", userId);
    }

    public void credentialsRotated(UUID userId) {
        jdbc.update("UPDATE tenant_users SET credentials_rotated_at = now() WHERE user_id = ?", userId);
    }

    public void markRemoved(UUID userId) {
        jdbc.update("UPDATE tenant_users SET status = 'removed', removed_at = now() WHERE user_id = ?", userId);
        expireOpenLinks(userId);
    }

    /** Links not used yet stop working (on removal, and on rotation: an old link must not hand out the new password). */
    public void expireOpenLinks(UUID userId) {
        jdbc.update("UPDATE invitations SET expires_at = least(expires_at, now()) WHERE user_id = ?"
                + " AND accepted_at IS NULL", userId);
    }

    public void insertInvitation(String tokenHash, UUID userId, String purpose, OffsetDateTime expiresAt) {
        jdbc.update("INSERT INTO invitations (token_hash, user_id, purpose, expires_at) VALUES (?, ?, ?, ?)",
                tokenHash, userId, purpose, expiresAt);
    }

    public Optional<Invitation> findInvitation(String tokenHash) {
        return jdbc.query("SELECT token_hash, user_id, purpose, expires_at, accepted_at FROM invitations"
                        + " WHERE token_hash = ?", (rs, i) -> new Invitation(rs.getString(1), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getObject(4, OffsetDateTime.class), rs.getObject(5, OffsetDateTime.class)),
                tokenHash).stream().findFirst();
    }

    /** Marks a link used; false if it was already used or has expired (a concurrent accept lost). */
    public boolean consumeInvitation(String tokenHash) {
        return jdbc.update("UPDATE invitations SET accepted_at = now() WHERE token_hash = ? AND accepted_at IS NULL"
                + " AND expires_at > now()", tokenHash) == 1;
    }

    private static TenantUser map(ResultSet rs, int row) throws SQLException {
        try {
            return new TenantUser(rs.getObject("user_id", UUID.class), rs.getObject("tenant_id", UUID.class),
                    rs.getString("email"), rs.getString("role"), Json.MAPPER.readValue(rs.getString("teams"), STRINGS),
                    rs.getString("invited_by"), rs.getString("database_user"), rs.getString("status"),
                    rs.getObject("created_at", OffsetDateTime.class), rs.getObject("activated_at", OffsetDateTime.class),
                    rs.getObject("credentials_rotated_at", OffsetDateTime.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("unreadable teams of user " + rs.getString("user_id"), e);
        }
    }
}
