package io.onboarding.reconcile;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.onboarding.backup.BackupSchedules;
import io.onboarding.cluster.ClusterDirectory;
import io.onboarding.cluster.ClusterSettings;
import io.onboarding.git.GitNaming;
import io.onboarding.git.TenantGitRepositories;
import io.onboarding.identity.AuthProviderSettings;
import io.onboarding.monitoring.TenantMonitoring;
import io.onboarding.kit.Failures;
import io.onboarding.postgres.PostgresCluster;
import io.onboarding.reconcile.Reconciliation.Finding;
import io.onboarding.secrets.SecretStore;
import io.onboarding.tenant.TenantNaming;
import io.onboarding.tenant.TenantRecord;
import io.onboarding.tenant.TenantRepository;
import io.onboarding.tenant.TenantRole;
import io.onboarding.tenant.TenantRoleSecrets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares what the control plane says lives with what exists: databases and roles by their owner
 * markers on every available cluster, secrets by their paths, backup jobs in the job store, Git repositories by their mark,
 * monitoring target files. Anything of ours for a tenant that is not live is an orphan, reported and
 * never removed here (an orphan database may hold the only copy of someone's data). A settled tenant
 * (active or suspended, no operation running) missing something is reported; only what is
 * unambiguous is re-created, when asked to repair: an active tenant's monitoring target file and
 * backup schedule, both written from its control-plane record.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ReconcileQueries queries;
    private final TenantRepository tenants;
    private final SecretStore secrets;
    private final BackupSchedules schedules;
    private final TenantMonitoring monitoring;
    private final TenantGitRepositories git;
    private final ClusterDirectory clusters;
    private final Map<String, AtomicLong> orphanGauges = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> missingGauges = new ConcurrentHashMap<>();

    Reconciler(ReconcileQueries queries, TenantRepository tenants, SecretStore secrets, BackupSchedules schedules,
               TenantMonitoring monitoring, TenantGitRepositories git, ClusterDirectory clusters,
               MeterRegistry registry) {
        this.clusters = clusters;
        this.queries = queries;
        this.tenants = tenants;
        this.secrets = secrets;
        this.schedules = schedules;
        this.monitoring = monitoring;
        this.git = git;
        for (String kind : Reconciliation.KINDS) {
            Gauge.builder("onboarding.reconcile.orphans", orphanGauges.computeIfAbsent(kind, k -> new AtomicLong()),
                    AtomicLong::get).description("Resources of ours that belong to no live tenant, at the last check")
                    .tag("kind", kind).register(registry);
            Gauge.builder("onboarding.reconcile.missing", missingGauges.computeIfAbsent(kind, k -> new AtomicLong()),
                    AtomicLong::get).description("Resources settled tenants lack, at the last check (after repairs)")
                    .tag("kind", kind).register(registry);
        }
    }

    public synchronized Reconciliation reconcile(boolean repair) throws Exception {
        Set<UUID> live = queries.liveTenants();
        List<Finding> orphans = new ArrayList<>();
        List<Finding> missing = new ArrayList<>();
        List<Finding> repaired = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();

        Map<String, ClusterObjects> onClusters = markedOnEveryCluster(live, orphans);
        Set<UUID> scheduled = schedules.scheduledTenants();
        Set<UUID> monitored = monitoring.tenantsWithTargets();
        Optional<Map<UUID, String>> repositories = git.ownedRepositories();
        if (repositories.isEmpty()) {
            notChecked.add("git_repository");
        }

        scheduled.stream().filter(id -> !live.contains(id))
                .forEach(id -> orphans.add(new Finding("backup_schedule", id, id.toString())));
        monitored.stream().filter(id -> !live.contains(id))
                .forEach(id -> orphans.add(new Finding("monitoring", id, "targets/tenant-" + id + ".json")));
        repositories.ifPresent(owned -> owned.forEach((id, name) -> {
            if (!live.contains(id)) {
                orphans.add(new Finding("git_repository", id, name));
            }
        }));
        // Secrets cannot be listed in every store: the paths of tenants known to be gone, and of every
        // tenant something else of ours was found orphaned for, are looked up.
        Set<UUID> gone = new TreeSet<>(queries.deadTenants());
        orphans.forEach(finding -> gone.add(finding.tenantId()));
        for (UUID tenantId : gone) {
            for (String path : secretPaths(tenantId)) {
                if (secrets.get(path).isPresent()) {
                    orphans.add(new Finding("secret", tenantId, path));
                }
            }
        }

        Map<UUID, TenantRecord> active = tenants.active().stream()
                .collect(Collectors.toMap(TenantRecord::tenantId, Function.identity()));
        for (ReconcileQueries.SettledTenant tenant : queries.settledTenants()) {
            UUID id = tenant.tenantId();
            String cluster = tenant.cluster() == null ? ClusterDirectory.DEFAULT : tenant.cluster();
            // On the tenant's own cluster; one that cannot be read now tells nothing about its databases and roles.
            ClusterObjects own = onClusters.get(cluster);
            if (own != null && tenant.databaseName() != null && !own.databases().contains(tenant.databaseName())) {
                missing.add(new Finding("database", id, tenant.databaseName(), cluster));
            }
            for (TenantRole role : TenantRole.values()) {
                String name = TenantNaming.roleName(id, role);
                if (own != null && !own.roles().contains(name)) {
                    missing.add(new Finding("role", id, name, cluster));
                }
                String path = TenantRoleSecrets.path(id, role);
                if (secrets.get(path).isEmpty()) {
                    missing.add(new Finding("secret", id, path));
                }
            }
            if (tenant.localGitRepository() && repositories.isPresent() && !repositories.get().containsKey(id)) {
                missing.add(new Finding("git_repository", id, GitNaming.repositoryName(id) + ".git"));
            }
            TenantRecord record = active.get(id);
            if (record != null && !monitored.contains(id)) {
                repairOrReport(new Finding("monitoring", id, "targets/tenant-" + id + ".json"), repair,
                        () -> monitoring.configure(record), missing, repaired);
            }
            if (record != null && !scheduled.contains(id)) {
                repairOrReport(new Finding("backup_schedule", id, id.toString()), repair,
                        () -> schedules.scheduleTenant(record), missing, repaired);
            }
        }

        Reconciliation result = new Reconciliation(OffsetDateTime.now(), List.copyOf(orphans), List.copyOf(missing),
                List.copyOf(repaired), List.copyOf(notChecked));
        for (String kind : Reconciliation.KINDS) {
            orphanGauges.get(kind).set(result.count(orphans, kind));
            missingGauges.get(kind).set(result.count(missing, kind));
        }
        if (!orphans.isEmpty() || !missing.isEmpty() || !repaired.isEmpty()) {
            LOG.warn("Reconciliation: {} orphan(s) {}, {} missing {}, repaired {}", orphans.size(), orphans,
                    missing.size(), missing, repaired);
        } else {
            LOG.info("Reconciliation: nothing orphaned or missing");
        }
        return result;
    }

    /** The names of the marked databases and roles found on one cluster. */
    private record ClusterObjects(Set<String> databases, Set<String> roles) {
    }

    /**
     * The marked databases and roles of every available cluster, by cluster name; orphans among them
     * are added to {@code orphans} naming the cluster. Clusters that are one server (same host and
     * port, as the PG* cluster and a clusters-file entry may be) are read once and reported under the
     * first name. An unavailable cluster is left out (logged).
     */
    private Map<String, ClusterObjects> markedOnEveryCluster(Set<UUID> live, List<Finding> orphans) {
        Map<String, ClusterObjects> byCluster = new HashMap<>();
        Map<String, ClusterObjects> byServer = new HashMap<>();
        for (ClusterSettings cluster : clusters.all()) {
            String server = cluster.connection().host() + ":" + cluster.connection().port();
            ClusterObjects seen = byServer.get(server);
            if (seen != null) {
                byCluster.put(cluster.name(), seen);
                continue;
            }
            if (!clusters.available(cluster.name())) {
                LOG.warn("Reconciliation skips cluster {}: it cannot be reached now", cluster.name());
                continue;
            }
            try (Connection connection = cluster.connection().connect(PostgresCluster.MAINTENANCE_DATABASE)) {
                List<ReconcileQueries.MarkedObject> databases = ReconcileQueries.markedDatabases(connection);
                List<ReconcileQueries.MarkedObject> roles = ReconcileQueries.markedRoles(connection);
                databases.stream().filter(db -> !live.contains(db.tenantId())).forEach(db ->
                        orphans.add(new Finding("database", db.tenantId(), db.name(), cluster.name())));
                roles.stream().filter(role -> !live.contains(role.tenantId())).forEach(role ->
                        orphans.add(new Finding("role", role.tenantId(), role.name(), cluster.name())));
                ClusterObjects found = new ClusterObjects(
                        databases.stream().map(ReconcileQueries.MarkedObject::name).collect(Collectors.toSet()),
                        roles.stream().map(ReconcileQueries.MarkedObject::name).collect(Collectors.toSet()));
                byServer.put(server, found);
                byCluster.put(cluster.name(), found);
            } catch (SQLException e) {
                LOG.warn("Reconciliation skips cluster {}: {}", cluster.name(), Failures.innermost(e));
            }
        }
        return byCluster;
    }

    /** A repair: the resource written again from the tenant's record. */
    private interface Repair {
        void run() throws Exception;
    }

    private static void repairOrReport(Finding finding, boolean repair, Repair action, List<Finding> missing,
                                       List<Finding> repaired) {
        if (!repair) {
            missing.add(finding);
            return;
        }
        try {
            action.run();
            repaired.add(finding);
            LOG.info("Reconciliation repaired the {} of tenant {}", finding.kind(), finding.tenantId());
        } catch (Exception e) {
            LOG.warn("Reconciliation could not repair the {} of tenant {}: {}", finding.kind(), finding.tenantId(),
                    e.getMessage());
            missing.add(finding);
        }
    }

    private static List<String> secretPaths(UUID tenantId) {
        List<String> paths = new ArrayList<>();
        for (TenantRole role : TenantRole.values()) {
            paths.add(TenantRoleSecrets.path(tenantId, role));
        }
        paths.add(AuthProviderSettings.path(tenantId));
        paths.add(GitNaming.secretPath(tenantId));
        return paths;
    }
}
