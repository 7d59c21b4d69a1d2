package io.onboarding.operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.onboarding.kit.Json;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An operation as {@code GET /api/v1/operations/{id}} shows it; {@code request_id} is the
 * X-Request-Id of the API call that started it (null for inbox, JMS and the service's own).
 * {@code result} is what a succeeded operation made (a restore's database, a backup's id), read from
 * the parameters it ran with; null otherwise.
 */
public record OperationView(UUID operationId, String type, UUID tenantId, String status, Boolean compensated,
                            List<Step> steps, @JsonInclude(JsonInclude.Include.ALWAYS) String error,
                            @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Object> result,
                            OffsetDateTime createdAt,
                            @JsonInclude(JsonInclude.Include.ALWAYS) OffsetDateTime finishedAt,
                            @JsonInclude(JsonInclude.Include.ALWAYS) String requestId) {

    /** The columns, in this order, that {@link #row} reads. */
    static final String COLUMNS = "operation_id, type, tenant_id, status, compensated, error, created_at, finished_at,"
            + " request_id, parameters";

    /** An operation without its steps from a row of {@link #COLUMNS}. */
    static OperationView row(java.sql.ResultSet rs, int rowNumber) throws java.sql.SQLException {
        String type = rs.getString(2);
        String status = rs.getString(4);
        return new OperationView(rs.getObject(1, UUID.class), type, rs.getObject(3, UUID.class),
                status, (Boolean) rs.getObject(5), null, rs.getString(6), result(type, status, rs.getString(10)),
                rs.getObject(7, OffsetDateTime.class), rs.getObject(8, OffsetDateTime.class), rs.getString(9));
    }

    /** What a succeeded restore, backup or invitation made, from the parameters it ran with. */
    static Map<String, Object> result(String type, String status, String parametersJson) {
        if (!"succeeded".equals(status) || parametersJson == null) {
            return null;
        }
        Map<String, Object> parameters;
        try {
            parameters = Json.MAPPER.readValue(parametersJson,
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {
                    });
        } catch (java.io.IOException e) {
            return null;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        switch (type) {
            case "restore" -> {
                boolean inPlace = Boolean.parseBoolean(String.valueOf(parameters.get("in_place")));
                Object target = parameters.get("target_database");
                if (target == null) {
                    return null;
                }
                String database = target.toString();
                // In place, the copy restored as NAME_restoring took the tenant's own name NAME.
                result.put("database", inPlace && database.endsWith("_restoring")
                        ? database.substring(0, database.length() - "_restoring".length()) : database);
                result.put("in_place", inPlace);
            }
            case "backup" -> {
                if (parameters.get("backup_id") == null) {
                    return null;
                }
                result.put("backup_id", parameters.get("backup_id"));
            }
            case "invite-user" -> {
                if (parameters.get("user_id") == null) {
                    return null;
                }
                result.put("user_id", parameters.get("user_id"));
            }
            default -> {
                return null;
            }
        }
        return result;
    }

    public OperationView withSteps(List<Step> withSteps) {
        return new OperationView(operationId, type, tenantId, status, compensated, withSteps, error, result, createdAt,
                finishedAt, requestId);
    }

    /**
     * A step: {@code error} says why it failed (or its compensation did), {@code reason} why it was
     * skipped or warned, or what a running step waits for (approval). The journal keeps one text.
     */
    public record Step(String name, String status, @JsonInclude(JsonInclude.Include.ALWAYS) OffsetDateTime startedAt,
                       @JsonInclude(JsonInclude.Include.ALWAYS) OffsetDateTime finishedAt,
                       @JsonInclude(JsonInclude.Include.ALWAYS) String error,
                       @JsonInclude(JsonInclude.Include.ALWAYS) String reason) {

        private static final Set<String> REASONED = Set.of("skipped", "warning", "running", "pending");

        /** A step from the journal's one text, put in {@code reason} or {@code error} by the step's status. */
        public static Step of(String name, String status, OffsetDateTime startedAt, OffsetDateTime finishedAt,
                              String text) {
            boolean reasoned = REASONED.contains(status);
            return new Step(name, status, startedAt, finishedAt, reasoned ? null : text, reasoned ? text : null);
        }
    }
}
