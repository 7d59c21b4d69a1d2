package io.onboarding.operation;

import io.onboarding.kit.Paging;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** Operations filtered by tenant, type and status, newest first, without their steps. */
public final class OperationListing {

    private final JdbcTemplate jdbc;

    public OperationListing(DataSource controlPlane) {
        this.jdbc = new JdbcTemplate(controlPlane);
    }

    /** Up to {@code limit} operations after {@code after} (newest first); each filter may be null. */
    public List<OperationView> page(UUID tenantId, String type, String status, Paging.Position after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + OperationView.COLUMNS + " FROM operations WHERE true");
        List<Object> args = new ArrayList<>();
        filter(sql, args, " AND tenant_id = ?", tenantId);
        filter(sql, args, " AND type = ?", type);
        filter(sql, args, " AND status = ?", status);
        if (after.createdAt() != null) {
            sql.append(" AND (created_at, operation_id) < (?, ?)");
            args.add(after.createdAt());
            args.add(after.id());
        }
        sql.append(" ORDER BY created_at DESC, operation_id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), OperationView::row, args.toArray());
    }

    private static void filter(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            sql.append(condition);
            args.add(value);
        }
    }
}
