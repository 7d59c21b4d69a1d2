package io.onboarding.tenant;

import io.onboarding.postgres.PostgresCluster;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * Ready-made databases at the current tenant-schema version that a new tenant database is cloned
 * from. The tenant-schema feature ({@code tenant.schema}) makes and keeps them; the database step
 * only asks for one, so the core of the tenant feature does not depend on how schemas are migrated.
 */
public interface DatabaseTemplates {

    /** None: every tenant database is made from template0 and migrated by the schema step. */
    DatabaseTemplates NONE = new DatabaseTemplates() {
        @Override
        public Optional<String> templateFor(PostgresCluster cluster, String collation, String provider) {
            return Optional.empty();
        }

        @Override
        public String cloneClause(String template) {
            throw new IllegalStateException("no templates");
        }

        @Override
        public void cloned(UUID tenantId) {
        }

        @Override
        public void adopt(Statement inClone, UUID tenantId) {
        }
    };

    /** The ready template for this collation on this cluster, made if need be; empty: use template0. */
    Optional<String> templateFor(PostgresCluster cluster, String collation, String provider);

    /** The clause cloning {@code template}, for a CREATE DATABASE without locale options (they come with it). */
    String cloneClause(String template);

    /** A tenant database was just cloned from the current template: it is at the template's version. */
    void cloned(UUID tenantId);

    /** In a database cloned from a template: the template's objects become the tenant admin's. Idempotent. */
    void adopt(Statement inClone, UUID tenantId) throws SQLException;
}
