package io.onboarding.access;

import io.onboarding.kit.Paging;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every statement on {@code audit_log}: appending and reading. The table refuses UPDATE, DELETE and
 * TRUNCATE itself (V15's triggers), so this class could not change history even by mistake.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final JdbcTemplate jdbc;

    public AuditLog(DataSource controlPlane) {
        this.jdbc = new JdbcTemplate(controlPlane);
    }

    /**
     * Appends the entry. A failure is logged (without the entry's details beyond its action and
     * request id) and not thrown: the call it records has already happened.
     */
    public void append(AuditEntry entry) {
        try {
            jdbc.update("INSERT INTO audit_log (audit_id, token_name, action, tenant_id, client_address, user_agent,"
                    + " outcome, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", entry.auditId(), entry.tokenName(),
                    entry.action(), entry.tenantId(), entry.clientAddress(), entry.userAgent(), entry.outcome(),
                    entry.requestId());
        } catch (RuntimeException e) {
            LOG.error("Audit entry for {} (request {}) not recorded: {}", entry.action(), entry.requestId(),
                    e.getMessage());
        }
    }

    /** Up to {@code limit} entries after {@code after}, newest first; each filter may be null. */
    public List<AuditEntry> page(UUID tenantId, String action, OffsetDateTime since, Paging.Position after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT audit_id, at, token_name, action, tenant_id, client_address,"
                + " user_agent, outcome, request_id FROM audit_log WHERE true");
        List<Object> args = new ArrayList<>();
        filter(sql, args, " AND tenant_id = ?", tenantId);
        filter(sql, args, " AND action = ?", action);
        filter(sql, args, " AND at >= ?", since);
        if (after.createdAt() != null) {
            sql.append(" AND (at, audit_id) < (?, ?)");
            args.add(after.createdAt());
            args.add(after.id());
        }
        sql.append(" ORDER BY at DESC, audit_id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, i) -> new AuditEntry(rs.getObject(1, UUID.class),
                rs.getObject(2, OffsetDateTime.class), rs.getString(3), rs.getString(4), rs.getObject(5, UUID.class),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)), args.toArray());
    }

    private static void filter(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            sql.append(condition);
            args.add(value);
        }
    }
}
