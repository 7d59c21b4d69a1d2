package io.onboarding.monitoring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onboarding.kit.Json;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitoring: at start-up the fleet's alert rules and dashboard, which hold for every tenant by its
 * labels; per tenant a Prometheus {@code file_sd} target file and, only when Grafana's API is used
 * and per-tenant dashboards are asked for, a dashboard. A failure never fails onboarding: the step
 * ends with a warning, the tenant carries a "monitoring: …" warning, and {@link #retryWarned()}
 * tries again until it works.
 */
public final class TenantMonitoring {

    private static final Logger LOG = LoggerFactory.getLogger(TenantMonitoring.class);
    private static final String TOPIC = "monitoring";

    private final TenantRepository tenants;
    private final Path targetsDir;
    private final Path rulesDir;
    private final Path dashboardsDir;
    private final List<String> targetPatterns;
    private final boolean grafanaApi;
    private final boolean perTenantDashboards;
    private final boolean prometheusReload;
    private final ProducerTemplate template;

    public TenantMonitoring(CamelContext camel, TenantRepository tenants, Path prometheusConfigDir, Path dashboardsDir,
                            String targetPatterns, boolean grafanaApi, boolean perTenantDashboards,
                            boolean prometheusReload) {
        this.tenants = tenants;
        this.targetsDir = prometheusConfigDir.resolve("targets");
        this.rulesDir = prometheusConfigDir.resolve("rules");
        this.dashboardsDir = dashboardsDir;
        this.targetPatterns = Arrays.stream(targetPatterns.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
        this.grafanaApi = grafanaApi;
        this.perTenantDashboards = grafanaApi && perTenantDashboards;
        this.prometheusReload = prometheusReload;
        this.template = camel.createProducerTemplate();
    }

    /** Step {@code configure-tenant-monitoring} (a {@code step-warns}: a failure is the tenant's warning). */
    public void configure(TenantRecord tenant) throws IOException {
        apply(tenant);
    }

    /** At start-up: the fleet's rules (tenants, backups) and its dashboard. */
    public void writeFleetRules() throws IOException {
        writeAtomically(rulesDir.resolve(AlertRules.TENANTS_FILE), AlertRules.tenants());
        writeAtomically(rulesDir.resolve(AlertRules.BACKUPS_FILE), AlertRules.backups());
        writeAtomically(rulesDir.resolve(AlertRules.OPERATIONS_FILE), AlertRules.operations());
        if (grafanaApi) {
            bestEffort("Fleet dashboard not sent to Grafana (sent again with each tenant's monitoring step)",
                    () -> putDashboard(Dashboards.fleet()));
        } else {
            writeAtomically(dashboardsDir.resolve(Dashboards.FLEET_UID + ".json"), Json.write(Dashboards.fleet()));
        }
        bestEffort("Prometheus not reloaded after writing the fleet rules (it reads them at its next reload)",
                this::reloadPrometheus);
    }

    private static void bestEffort(String failure, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("{}: {}", failure, e.getMessage());
        }
    }

    /** Runs on a timer: tenants whose monitoring failed to set up get another try. */
    public void retryWarned() {
        for (TenantRecord tenant : tenants.activeWithWarning(TOPIC)) {
            try {
                apply(tenant);
                LOG.info("Monitoring of tenant {} set up on retry", tenant.tenantId());
            } catch (Exception e) {
                tenants.setWarning(tenant.tenantId(), TOPIC, e.getMessage());
            }
        }
    }

    /** The tenants that have a target file under {@code targets/} (reconciliation). */
    public java.util.Set<UUID> tenantsWithTargets() throws IOException {
        java.util.Set<UUID> found = new java.util.HashSet<>();
        if (!Files.isDirectory(targetsDir)) {
            return found;
        }
        try (java.util.stream.Stream<Path> files = Files.list(targetsDir)) {
            files.map(file -> file.getFileName().toString())
                    .filter(name -> name.startsWith("tenant-") && name.endsWith(".json"))
                    .map(name -> name.substring("tenant-".length(), name.length() - ".json".length()))
                    .forEach(id -> {
                        try {
                            found.add(UUID.fromString(id));
                        } catch (IllegalArgumentException notATenant) {
                            // another file that only looks like ours
                        }
                    });
        }
        return found;
    }

    /** Compensation and destroy: the tenant's targets and whatever rules or dashboard it had. */
    public void remove(UUID tenantId) throws IOException {
        Files.deleteIfExists(targetsDir.resolve(fileName(tenantId, ".json")));
        Files.deleteIfExists(rulesDir.resolve(fileName(tenantId, ".yml")));
        removeOwnDashboard(tenantId);
        reloadPrometheus();
    }

    private void apply(TenantRecord tenant) throws IOException {
        writeAtomically(targetsDir.resolve(fileName(tenant.tenantId(), ".json")), Json.write(targets(tenant)));
        // Earlier releases wrote a rule file per tenant: the fleet's rules hold for it now.
        Files.deleteIfExists(rulesDir.resolve(fileName(tenant.tenantId(), ".yml")));
        if (grafanaApi) {
            // The fleet dashboard goes with every tenant's step, so a Grafana down at start gets it.
            putDashboard(Dashboards.fleet());
        }
        if (perTenantDashboards) {
            putDashboard(Dashboards.forTenant(tenant));
        } else {
            removeOwnDashboard(tenant.tenantId());
        }
        reloadPrometheus();
        tenants.clearWarning(tenant.tenantId(), TOPIC);
    }

    /** A per-tenant dashboard of an earlier release, or of the switch since turned off. */
    private void removeOwnDashboard(UUID tenantId) throws IOException {
        Files.deleteIfExists(dashboardsDir.resolve(fileName(tenantId, ".json")));
        if (grafanaApi) {
            call("direct:grafana-delete-dashboard", Map.of("dashboardUid", Dashboards.uid(tenantId)), null);
        }
    }

    private void putDashboard(ObjectNode dashboard) {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.set("dashboard", dashboard);
        request.put("overwrite", true);
        request.put("message", "tenant-onboarding");
        call("direct:grafana-put-dashboard", Map.of(), Json.write(request));
    }

    private ArrayNode targets(TenantRecord tenant) {
        ArrayNode groups = Json.MAPPER.createArrayNode();
        ObjectNode group = groups.addObject();
        ArrayNode targets = group.putArray("targets");
        for (String pattern : targetPatterns) {
            targets.add(pattern
                    .replace("{tenant_id}", tenant.tenantId().toString())
                    .replace("{database}", tenant.databaseName())
                    .replace("{database_host}", String.valueOf(tenant.databaseHost()))
                    .replace("{database_port}", String.valueOf(tenant.databasePort()))
                    .replace("{region}", tenant.region())
                    .replace("{plan}", tenant.plan()));
        }
        ObjectNode labels = group.putObject("labels");
        labels.put("tenant_id", tenant.tenantId().toString());
        labels.put("tier", tenant.plan());
        labels.put("monitoring_level", tenant.monitoringLevel());
        labels.put("database", tenant.databaseName());
        labels.put("region", tenant.region());
        return groups;
    }

    private void reloadPrometheus() {
        if (prometheusReload) {
            call("direct:prometheus-reload", Map.of(), null);
        }
    }

    private void call(String route, Map<String, Object> headers, Object body) {
        Exchange result = template.send(route, exchange -> {
            exchange.getMessage().setHeaders(new java.util.HashMap<>(headers));
            exchange.getMessage().setBody(body);
        });
        if (result.getException() != null) {
            throw new IllegalStateException(route.substring("direct:".length()) + " failed: "
                    + result.getException().getMessage(), result.getException());
        }
    }

    private static String fileName(UUID tenantId, String extension) {
        return "tenant-" + tenantId + extension;
    }

    /** Prometheus reads these files while we write them: it must only ever see whole files. */
    private static void writeAtomically(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        Files.writeString(partial, content, StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
