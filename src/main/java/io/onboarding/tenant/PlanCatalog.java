package io.onboarding.tenant;

import io.onboarding.platform.ServiceSettings;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Plans, regions and storage locations, as configured under {@code onboarding.plan.*} and friends. */
public final class PlanCatalog {

    public record Plan(String name, int connectionLimit, String monitoringLevel, BackupPolicy backupPolicy) {
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

    public static PlanCatalog fromSettings(ServiceSettings settings) {
        Map<String, String> planKeys = settings.withPrefix("onboarding.plan.");
        Set<String> names = new TreeSet<>();
        planKeys.keySet().forEach(key -> names.add(key.substring(0, key.indexOf('.'))));
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (String name : List.of("free", "standard", "enterprise")) {
            if (!names.contains(name)) {
                throw new IllegalStateException("plan " + name + " is not configured (onboarding.plan." + name + ".*)");
            }
        }
        for (String name : names) {
            String p = "onboarding.plan." + name + ".";
            plans.put(name, new Plan(name,
                    settings.getInt(p + "connection-limit"),
                    settings.get(p + "monitoring-level"),
                    new BackupPolicy(
                            settings.get(p + "backup.schedule"),
                            settings.getInt(p + "backup.retention-days"),
                            settings.get(p + "backup.backup-type"),
                            settings.get(p + "backup.encryption-level"),
                            settings.get(p + "backup.storage-location"))));
        }
        return new PlanCatalog(plans, list(settings.get("onboarding.regions")),
                list(settings.get("onboarding.backup.storage-locations")));
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
