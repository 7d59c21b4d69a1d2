package io.onboarding.tenant;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.camel.spi.PropertiesComponent;

/** Plans, regions and storage locations, as configured under {@code onboarding.plan.*} and friends. */
public final class PlanCatalog {

    public record Plan(String name, int connectionLimit, String monitoringLevel, BackupPolicy backupPolicy,
                       String collation) {
    }

    public static final List<String> MONITORING_LEVELS = List.of("basic", "standard", "enterprise");

    private final Map<String, Plan> plans;
    private final List<String> regions;
    private final List<String> storageLocations;

    PlanCatalog(Map<String, Plan> plans, List<String> regions, List<String> storageLocations) {
        this.plans = plans;
        this.regions = regions;
        this.storageLocations = storageLocations;
    }

    /** Every plan configured under {@code onboarding.plan.<name>.*}, resolved through Camel's property layers. */
    public static PlanCatalog fromProperties(PropertiesComponent properties) {
        Set<String> names = new TreeSet<>();
        properties.loadProperties(key -> key.startsWith("onboarding.plan.")).stringPropertyNames().forEach(key ->
                names.add(key.substring("onboarding.plan.".length(), key.indexOf('.', "onboarding.plan.".length()))));
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (String name : List.of("free", "standard", "enterprise")) {
            if (!names.contains(name)) {
                throw new IllegalStateException("plan " + name + " is not configured (onboarding.plan." + name + ".*)");
            }
        }
        for (String name : names) {
            String p = "onboarding.plan." + name + ".";
            plans.put(name, new Plan(name,
                    number(properties, p + "connection-limit"),
                    value(properties, p + "monitoring-level"),
                    new BackupPolicy(
                            value(properties, p + "backup.schedule"),
                            number(properties, p + "backup.retention-days"),
                            value(properties, p + "backup.backup-type"),
                            value(properties, p + "backup.encryption-level"),
                            value(properties, p + "backup.storage-location")),
                    DatabaseCollation.validate(properties.resolveProperty(p + "collation").map(String::trim)
                            .filter(v -> !v.isEmpty()).orElse(DatabaseCollation.DEFAULT), "setting " + p + "collation")));
        }
        return new PlanCatalog(plans, list(value(properties, "onboarding.regions")),
                list(value(properties, "onboarding.backup.storage-locations")));
    }

    private static String value(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalStateException("missing setting " + key));
    }

    private static int number(PropertiesComponent properties, String key) {
        try {
            return Integer.parseInt(value(properties, key));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("setting " + key + " is not a number", e);
        }
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public Plan plan(String name) {
        Plan plan = plans.get(name);
        if (plan == null) {
            throw new IllegalArgumentException("unknown plan " + name);
        }
        return plan;
    }

    /** The collation a tenant's new database gets: the one its record has, else its plan's. */
    public String collationFor(TenantRecord tenant) {
        return tenant.collation() != null ? tenant.collation() : plan(tenant.plan()).collation();
    }

    /** Every plan's collation, once each: the collations new tenant databases are made with. */
    public Set<String> collations() {
        return plans.values().stream().map(Plan::collation).collect(Collectors.toCollection(TreeSet::new));
    }

    public Set<String> planNames() {
        return plans.keySet();
    }

    public List<String> regions() {
        return regions;
    }

    public List<String> storageLocations() {
        return storageLocations;
    }
}
