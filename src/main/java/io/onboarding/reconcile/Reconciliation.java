package io.onboarding.reconcile;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * What one reconciliation found: resources that belong to no live tenant ({@code orphans}), resources
 * a settled tenant lacks ({@code missing}, after repairs) and what it re-created ({@code repaired}).
 * {@code not_checked} names the kinds it could not look at (a Git server).
 */
public record Reconciliation(OffsetDateTime checkedAt, List<Finding> orphans, List<Finding> missing,
                             List<Finding> repaired, List<String> notChecked) {

    /** The kinds of resource, as the reply and the metrics' {@code kind} label name them. */
    public static final List<String> KINDS = List.of("database", "role", "secret", "backup_schedule",
            "git_repository", "monitoring");

    /** One resource: its kind, the tenant it is (or was) for, its name, and the cluster it is on (databases and roles). */
    public record Finding(String kind, UUID tenantId, String name, String cluster) {

        /** A resource that lives on no PostgreSQL cluster (a secret, a schedule, a repository, a file). */
        public Finding(String kind, UUID tenantId, String name) {
            this(kind, tenantId, name, null);
        }
    }

    long count(List<Finding> findings, String kind) {
        return findings.stream().filter(finding -> finding.kind().equals(kind)).count();
    }
}
