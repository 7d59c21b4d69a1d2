package io.onboarding.users;

import com.fasterxml.jackson.core.type.TypeReference;
import io.onboarding.kit.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    /** The last part of an invitation: the user exists from here on (joins the caller's transaction). */
    public void insertInvited(TenantUser user) {
        jdbc.update("INSERT INTO tenant_users (user_id, tenant_id, email, role, teams, invited_by, database_user, status)"
                        + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, 'invited')", user.userId(), user.tenantId(), user.email(),
                user.role(), Json.write(user.teams()), user.invitedBy(), user.databaseUser());
    }

    /** Undoes {@link #insertInvited} and the links made with it. */
    public void forget(UUID userId) {
        jdbc.update("DELETE FROM invitations WHERE user_id = ?", userId);
        jdbc.update("DELETE FROM tenant_users WHERE user_id = ?", userId);
    }

    public Optional<TenantUser> find(UUID tenantId, UUID userId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tenant_users WHERE tenant_id = ? AND user_id = ?"
                + " AND status IN ('invited', 'active')", TenantUserRepository::map, tenantId, userId)
                .stream().findFirst();
    }

    /** Includes an invitation an instance of the earlier release is making ('inviting'): the email is taken. */
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
                + " AND status IN ('invited', 'active') ORDER BY created_at, user_id", TenantUserRepository::map,
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
