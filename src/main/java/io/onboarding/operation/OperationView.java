package io.onboarding.operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** An operation as {@code GET /api/v1/operations/{id}} shows it. */
public record OperationView(UUID operationId, String type, UUID tenantId, String status, Boolean compensated,
                            List<Step> steps, @JsonInclude(JsonInclude.Include.ALWAYS) String error,
                            OffsetDateTime createdAt,
                            @JsonInclude(JsonInclude.Include.ALWAYS) OffsetDateTime finishedAt) {

    public OperationView withSteps(List<Step> withSteps) {
        return new OperationView(operationId, type, tenantId, status, compensated, withSteps, error, createdAt,
                finishedAt);
    }

    public record Step(String name, String status, @JsonInclude(JsonInclude.Include.ALWAYS) OffsetDateTime startedAt,
                       @JsonInclude(JsonInclude.Include.ALWAYS) OffsetDateTime finishedAt,
                       @JsonInclude(JsonInclude.Include.ALWAYS) String error) {
    }
}
