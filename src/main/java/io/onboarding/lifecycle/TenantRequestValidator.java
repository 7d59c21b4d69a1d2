package io.onboarding.lifecycle;

import io.onboarding.tenant.TenantRequest;

import io.onboarding.tenant.BackupPolicy;
import io.onboarding.tenant.PlanCatalog;
import io.onboarding.tenant.TenantRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.kit.Refusal;
import io.onboarding.kit.Refusal.FieldError;
import io.onboarding.kit.ApiRequests;
import io.onboarding.kit.RequestSchemas;
import io.onboarding.tenant.BackupLimits;
import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.cluster.ClusterSettings;
import io.onboarding.identity.AuthProviderValidation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks a create-tenant body field by field and reports every problem at once, named by field, the
 * way REST, inbox and JMS callers all see it. Unknown fields are refused: a misspelt optional field
 * silently ignored is a tenant created with the wrong settings.
 */
public final class TenantRequestValidator {

    private static final Set<String> FIELDS = Set.of("tenant_id", "tenant_name", "plan", "region",
            "monitoring_level", "backup_policy", "admin_email", "auth_providers", "cluster");
    private static final Set<String> BACKUP_FIELDS = Set.of("schedule", "retention_days", "backup_type",
            "encryption_level", "storage_location");
    private static final Pattern TENANT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{1,62}");
    private static final Set<String> ENCRYPTION_LEVELS = Set.of("standard", "high");

    private final PlanCatalog catalog;
    private final BackupLimits backupLimits;
    private final ClusterDirectory clusters;

    public TenantRequestValidator(PlanCatalog catalog, BackupLimits backupLimits, ClusterDirectory clusters) {
        this.catalog = catalog;
        this.backupLimits = backupLimits;
        this.clusters = clusters;
    }

    public TenantRequest validate(JsonNode body) {
        return RequestSchemas.validate("CreateTenantRequest", body, () -> rules(body));
    }

    private TenantRequest rules(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw Refusal.validation("body", "must be a JSON object");
        }
        io.onboarding.kit.Json.rejectNul(body); // inbox and JMS bodies are parsed by their own readers
        List<FieldError> errors = new ArrayList<>();
        rejectUnknown(body, FIELDS, "", errors);

        UUID tenantId = null;
        JsonNode id = body.get("tenant_id");
        if (id != null && !id.isNull()) {
            try {
                tenantId = id.isTextual() ? UUID.fromString(id.asText()) : null;
            } catch (IllegalArgumentException e) {
                tenantId = null;
            }
            if (tenantId == null || !tenantId.toString().equalsIgnoreCase(id.asText())) {
                errors.add(new FieldError("tenant_id", "must be a UUID"));
            }
        }
        String tenantName = text(body, "tenant_name", true, errors);
        if (tenantName != null && !TENANT_NAME.matcher(tenantName).matches()) {
            errors.add(new FieldError("tenant_name",
                    "must be 2 to 63 characters: letters, digits, space, '.', '_' or '-', starting with a letter or digit"));
        }
        String plan = oneOf(body, "plan", true, catalog.planNames(), errors);
        String region = oneOf(body, "region", true, catalog.regions(), errors);
        String monitoringLevel = oneOf(body, "monitoring_level", false, PlanCatalog.MONITORING_LEVELS, errors);
        String adminEmail = text(body, "admin_email", false, errors);
        if (adminEmail != null && !ApiRequests.isEmail(adminEmail)) {
            errors.add(new FieldError("admin_email", "must be an email address"));
        }
        BackupPolicy defaults = plan == null ? null : catalog.plan(plan).backupPolicy();
        BackupPolicy backupPolicy = backupPolicy(body.get("backup_policy"), defaults, errors);
        ObjectNode authProviders = authProviders(body.get("auth_providers"), errors);
        String cluster = text(body, "cluster", false, errors);
        if (cluster != null) {
            Optional<ClusterSettings> named = clusters.find(cluster);
            if (named.isEmpty()) {
                errors.add(new FieldError("cluster", "is not a configured cluster (GET /api/v1/clusters lists them)"));
            } else if (region != null && !named.get().serves(region)) {
                errors.add(new FieldError("cluster", "serves region " + named.get().region() + ", not " + region));
            }
        }

        if (!errors.isEmpty()) {
            throw Refusal.validation(errors);
        }
        PlanCatalog.Plan chosen = catalog.plan(plan);
        return new TenantRequest(tenantId == null ? UUID.randomUUID() : tenantId, tenantName,
                plan, region, monitoringLevel == null ? chosen.monitoringLevel() : monitoringLevel,
                backupPolicy, adminEmail == null ? null : adminEmail.toLowerCase(), authProviders, cluster);
    }

    /** The PUT auth-providers body's rules, its problems named {@code auth_providers.<field>}; none given: null. */
    private static ObjectNode authProviders(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("auth_providers", "must be an object"));
            return null;
        }
        try {
            ObjectNode config = AuthProviderValidation.validate(node);
            return config.isEmpty() ? null : config;
        } catch (Refusal invalid) {
            invalid.details().forEach(detail ->
                    errors.add(new FieldError("auth_providers." + detail.field(), detail.message())));
            return null;
        }
    }

    /** What PATCH may change; the rest of a tenant is fixed once it exists. */
    public record Change(String plan, String monitoringLevel, BackupPolicy backupPolicy, int connectionLimit) {
    }

    private static final Set<String> CHANGEABLE = Set.of("plan", "monitoring_level", "backup_policy");

    /**
     * A PATCH body against the tenant as it is: a new plan brings its connection limit and, unless
     * one is given, its default monitoring level; the backup policy is merged field by field.
     */
    public Change validateChange(JsonNode body, TenantRecord current) {
        return RequestSchemas.validate("ChangeTenantRequest", body, () -> changeRules(body, current));
    }

    private Change changeRules(JsonNode body, TenantRecord current) {
        if (body == null || !body.isObject() || body.isEmpty()) {
            throw Refusal.validation("body", "must be a JSON object with plan, monitoring_level or backup_policy");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!CHANGEABLE.contains(name)) {
                errors.add(new FieldError(name, FIELDS.contains(name) ? "cannot be changed" : "is not a known field"));
            }
        }
        String plan = oneOf(body, "plan", false, catalog.planNames(), errors);
        String monitoringLevel = oneOf(body, "monitoring_level", false, PlanCatalog.MONITORING_LEVELS, errors);
        BackupPolicy backupPolicy = backupPolicy(body.get("backup_policy"), current.backupPolicy(), errors);
        if (!errors.isEmpty()) {
            throw Refusal.validation(errors);
        }
        PlanCatalog.Plan newPlan = catalog.plan(plan == null ? current.plan() : plan);
        String level = monitoringLevel != null ? monitoringLevel
                : plan != null && !plan.equals(current.plan()) ? newPlan.monitoringLevel() : current.monitoringLevel();
        return new Change(newPlan.name(), level, backupPolicy, newPlan.connectionLimit());
    }

    private BackupPolicy backupPolicy(JsonNode node, BackupPolicy defaults, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return defaults;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("backup_policy", "must be an object"));
            return defaults;
        }
        rejectUnknown(node, BACKUP_FIELDS, "backup_policy.", errors);
        String schedule = text(node, "schedule", "backup_policy.schedule", false, errors);
        String scheduleProblem = schedule == null ? null : backupLimits.scheduleProblem(schedule);
        if (scheduleProblem != null) {
            errors.add(new FieldError("backup_policy.schedule", scheduleProblem));
        }
        Integer retentionDays = null;
        JsonNode retention = node.get("retention_days");
        if (retention != null && !retention.isNull()) {
            if (!retention.canConvertToInt() || !retention.isIntegralNumber()
                    || retention.asInt() < 1 || retention.asInt() > backupLimits.maxRetentionDays()) {
                errors.add(new FieldError("backup_policy.retention_days",
                        "must be a whole number from 1 to " + backupLimits.maxRetentionDays()));
            } else {
                retentionDays = retention.asInt();
            }
        }
        String backupType = text(node, "backup_type", "backup_policy.backup_type", false, errors);
        if ("incremental".equals(backupType)) {
            errors.add(new FieldError("backup_policy.backup_type",
                    "incremental is not supported: backups are logical dumps (pg_dump), which are always full"));
        } else if (backupType != null && !"full".equals(backupType)) {
            errors.add(new FieldError("backup_policy.backup_type", "must be full"));
        }
        String encryption = text(node, "encryption_level", "backup_policy.encryption_level", false, errors);
        if (encryption != null && !ENCRYPTION_LEVELS.contains(encryption)) {
            errors.add(new FieldError("backup_policy.encryption_level", "must be one of standard, high"));
        }
        String location = text(node, "storage_location", "backup_policy.storage_location", false, errors);
        if (location != null && !catalog.storageLocations().contains(location)) {
            errors.add(new FieldError("backup_policy.storage_location",
                    "must be one of " + String.join(", ", catalog.storageLocations())));
        }
        if (defaults == null) {
            return null;
        }
        return new BackupPolicy(
                schedule == null ? defaults.schedule() : schedule.trim(),
                retentionDays == null ? defaults.retentionDays() : retentionDays,
                backupType == null ? defaults.backupType() : backupType,
                encryption == null ? defaults.encryptionLevel() : encryption,
                location == null ? defaults.storageLocation() : location);
    }

    private static void rejectUnknown(JsonNode node, Set<String> known, String prefix, List<FieldError> errors) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(new FieldError(prefix + name, "is not a known field"));
            }
        }
    }

    private static String oneOf(JsonNode body, String field, boolean required, java.util.Collection<String> allowed,
                                List<FieldError> errors) {
        String value = text(body, field, required, errors);
        if (value != null && !allowed.contains(value)) {
            errors.add(new FieldError(field, "must be one of " + String.join(", ", allowed)));
            return null;
        }
        return value;
    }

    private static String text(JsonNode body, String field, boolean required, List<FieldError> errors) {
        return text(body, field, field, required, errors);
    }

    private static String text(JsonNode body, String field, String path, boolean required, List<FieldError> errors) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                errors.add(new FieldError(path, "is required"));
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            errors.add(new FieldError(path, "must be a non-empty string"));
            return null;
        }
        return value.asText();
    }
}
