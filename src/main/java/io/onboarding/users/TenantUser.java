package io.onboarding.users;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A person in a tenant, as the API shows them (never with a password). */
public record TenantUser(UUID userId, UUID tenantId, String email, String role, List<String> teams, String invitedBy,
                         String databaseUser, String status, OffsetDateTime createdAt, OffsetDateTime activatedAt,
                         OffsetDateTime credentialsRotatedAt) {
}
