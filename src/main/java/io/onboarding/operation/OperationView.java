package io.onboarding.operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * An operation as {@code GET /api/v1/operations/{id}} shows it; {@code request_id} is the
 * X-Request-Id of the API call that started it (null for inbox, JMS and the service's own).
 */
public record OperationView(UUID operationId, String type, UUID tenantId, String status, Boolean compensated,
                            List<Step> steps, @JsonInclude(JsonInclude.Include.ALWAYS) String error,
                            OffsetDateTime createdAt,
                            @JsonInclude(JsonInclude.Include.ALWAYS) OffsetDateTime finishedAt,
                            @JsonInclude(JsonInclude.Include.ALWAYS) String requestId) {

    /** The columns, in this order, that {@link #row} reads. */
    static final String COLUMNS = "operation_id, type, tenant_id, status, compensated, error, created_at, finished_at,"
            + " request_id";

    /** An operation without its steps from a row of {@link #COLUMNS}. */
    static OperationView row(java.sql.ResultSet rs, int rowNumber) throws java.sql.SQLException {
        return new OperationView(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class),
                rs.getString(4), (Boolean) rs.getObject(5), null, rs.getString(6), rs.getObject(7, OffsetDateTime.class),
                rs.getObject(8, OffsetDateTime.class), rs.getString(9));
    }

    public OperationView withSteps(List<Step> withSteps) {
        return new OperationView(operationId, type, tenantId, status, compensated, withSteps, error, createdAt,
                finishedAt, requestId);
    }

    public record Step(String name, String status, @JsonInclude(JsonInclude.Include.ALWAYS) OffsetDateTime startedAt,
                       @JsonInclude(JsonInclude.Include.ALWAYS) OffsetDateTime finishedAt,
                       @JsonInclude(JsonInclude.Include.ALWAYS) String error) {
    }
}
