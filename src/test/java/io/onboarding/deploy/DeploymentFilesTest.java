package io.onboarding.deploy;

import static io.onboarding.deploy.ComposeFile.DOCKER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.onboarding.deploy.ComposeFile.Mount;
import io.onboarding.config.PropertyLayers;
import io.onboarding.support.QuickTest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/Dockerfile, docker/compose.yaml and the files they mount, checked as data (the image itself is
 * built and run by docker/smoke-test, with podman): the compose file by docker-compose and against the
 * Compose Specification's JSON Schema, then the rules
 * a working stack needs (pinned images, health checks, restart policies, dependencies that wait,
 * mounted files that exist, one uid for the service everywhere, secrets only through files, the
 * contract's variables only), and Prometheus' configuration with promtool when it is installed.
 */
@QuickTest
class DeploymentFilesTest {

    /** The contract's environment variables (CONTRACT.md, section 2), copied here on purpose. */
    static final Set<String> CONTRACT_VARIABLES = Set.of("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD",
            "PLATFORM_DB", "DATA_DIR", "SERVER_PORT", "ONBOARDING_API_TOKEN", "VAULT_ADDR", "VAULT_TOKEN",
            "VAULT_KV_MOUNT", "JMS_BROKER_URL", "JMS_USER", "JMS_PASSWORD", "INBOX_DIR", "BACKUP_DIR", "SMTP_HOST",
            "SMTP_PORT", "SMTP_FROM", "PUBLIC_BASE_URL", "PROMETHEUS_CONFIG_DIR", "PROMETHEUS_URL", "GRAFANA_URL",
            "GRAFANA_TOKEN", "GIT_ROOT", "GIT_SERVER_URL", "GIT_SERVER_TOKEN", "GIT_SERVER_ORG",
            "CLOUD_PROVISIONER_URL", "PGSSLMODE", "PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY", "VAULT_CACERT",
            "VAULT_NAMESPACE", "VAULT_ROLE_ID", "VAULT_SECRET_ID", "BACKUP_S3_ENDPOINT", "BACKUP_S3_BUCKET",
            "BACKUP_S3_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "BACKUP_S3_CHECKSUMS",
            "BACKUP_S3_STORAGE_CLASS", "CLUSTERS_FILE", "LOG_FORMAT",
            "ONBOARDING_URL", "MAX_BODY_BYTES", "METRICS_TOKEN");
    /** Contract variables that carry a secret, and so also have a {@code *_FILE} form. */
    static final Set<String> CONTRACT_SECRETS = Set.of("PGPASSWORD", "ONBOARDING_API_TOKEN", "VAULT_TOKEN",
            "JMS_PASSWORD", "GRAFANA_TOKEN", "GIT_SERVER_TOKEN", "VAULT_SECRET_ID", "AWS_SECRET_ACCESS_KEY", "METRICS_TOKEN");

    static final String SERVICE = "onboarding";

    /**
     * An exact version: digits with a dot (15.14, v1.22.3, 3.9.9-eclipse-temurin-17), a date stamp
     * (bookworm-20251229) or a MinIO release; optionally followed by a digest.
     */
    private static final Pattern PINNED = Pattern.compile(
            "[a-z0-9][a-z0-9./_-]*:(?<tag>[A-Za-z0-9._-]+)(@sha256:[0-9a-f]{64})?");
    private static final Pattern EXACT_TAG = Pattern.compile(
            ".*(\\d+\\.\\d+|\\d{8}|RELEASE\\.\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}Z).*");

    /** A dependency allowed to be merely started: Vault is unhealthy until vault-init unseals it. */
    private static final Set<String> STARTED_ONLY = Set.of("vault-init->vault");

    private final ComposeFile compose = ComposeFile.read();

    DeploymentFilesTest() throws Exception {
    }

    @Test
    void composeFileFollowsTheComposeSpecification() throws Exception {
        Schema schema;
        try (InputStream in = getClass().getResourceAsStream("/deploy/compose-spec.schema.json")) {
            // Its $id is relative: resolved against where it is said to come from.
            schema = SchemaRegistry.withDefaultDialect(Dialects.getDraft7()).getSchema(
                    SchemaLocation.of("https://raw.githubusercontent.com/compose-spec/compose-spec/main/schema/"
                            + "compose-spec.json"), in, InputFormat.JSON);
        }
        List<Error> errors = schema.validate(new ObjectMapper().writeValueAsString(compose.root), InputFormat.JSON);
        assertThat(errors).as("compose.yaml against the Compose Specification schema").isEmpty();

        // The schema is not blind: a misspelt dependency condition is caught.
        JsonNode broken = compose.root.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("services").get(SERVICE).get("depends_on")
                .get("postgres")).put("condition", "service_happy");
        assertThat(schema.validate(new ObjectMapper().writeValueAsString(broken), InputFormat.JSON)).isNotEmpty();
    }

    /**
     * Compose itself reads the file (no engine needed), in a copy of docker/ with generated secrets:
     * Debian's docker-compose 1.29 (`docker-compose config`; .ci/run installs it, and in CI it must be
     * there) and, where the docker CLI has its compose plugin, `docker compose config`. (Debian's
     * podman-compose 1.0.3 has no `config` command.) The project name comes from docker/.env, because
     * docker-compose 1.29 refuses a top-level `name`.
     */
    @Test
    void composeConfigAcceptsTheFile(@TempDir Path copy) throws Exception {
        assertThat(compose.root.has("name")).as("a top-level name (docker-compose 1.29 refuses it)").isFalse();
        assertThat(Files.readAllLines(DOCKER.resolve(".env"))).contains("COMPOSE_PROJECT_NAME=tenant-onboarding");

        List<List<String>> composes = new ArrayList<>();
        if (run(List.of("docker-compose", "version")).exitCode == 0) {
            composes.add(List.of("docker-compose"));
        } else {
            assertThat(System.getenv("CI")).as("docker-compose is missing, and .ci/run installs it").isNotEqualTo("true");
        }
        if (run(List.of("docker", "compose", "version")).exitCode == 0) {
            composes.add(List.of("docker", "compose"));
        }
        assumeTrue(!composes.isEmpty(), "neither docker-compose nor docker compose is installed");
        DeploymentScriptsTest.copyTree(DOCKER, copy);
        assertThat(run(List.of("sh", copy.resolve("secrets/generate.sh").toString())).exitCode).isZero();
        for (List<String> command : composes) {
            List<String> config = new ArrayList<>(command);
            config.addAll(List.of("-f", copy.resolve("compose.yaml").toString(), "config", "-q"));
            Result checked = run(config);
            assertThat(checked.exitCode).as(String.join(" ", command) + " config: " + checked.output).isZero();

            // Not blind either: a misspelt dependency condition is refused.
            Path broken = copy.resolve("broken.yaml");
            Files.writeString(broken, Files.readString(copy.resolve("compose.yaml"))
                    .replace("condition: service_healthy", "condition: service_happy"));
            config.set(config.indexOf("-f") + 1, broken.toString());
            assertThat(run(config).exitCode).as(String.join(" ", command) + " config of a broken file").isNotZero();
        }
    }

    @Test
    void everyImageIsPinnedToAnExactVersion() throws Exception {
        List<String> images = new ArrayList<>(Dockerfile.read(DOCKER.resolve("Dockerfile")).externalBaseImages());
        compose.services().forEach((name, service) -> {
            if (service.has("image")) {
                images.add(service.get("image").asText());
            } else {
                assertThat(service.has("build")).as(name + " has an image or is built").isTrue();
            }
        });
        assertThat(images).hasSizeGreaterThan(10);
        for (String image : images) {
            Matcher matcher = PINNED.matcher(image);
            assertThat(matcher.matches()).as(image + " names a tag").isTrue();
            assertThat(matcher.group("tag")).as(image).isNotEqualTo("latest").matches(EXACT_TAG);
        }
    }

    @Test
    void longRunningServicesHaveHealthChecksAndRestartPoliciesAndDependenciesWaitForThem() {
        Map<String, JsonNode> services = compose.services();
        Set<String> oneShots = new TreeSet<>();
        services.forEach((name, service) -> {
            if (ComposeFile.isOneShot(service)) {
                oneShots.add(name);
                assertThat(service.has("healthcheck")).as(name + ": a one-shot job has no health check").isFalse();
            } else {
                assertThat(service.path("restart").asText()).as(name + " restart").isEqualTo("unless-stopped");
                JsonNode test = service.path("healthcheck").path("test");
                assertThat(test.isArray() && test.size() > 1).as(name + " has a health check").isTrue();
                assertThat(test.get(0).asText()).isIn("CMD", "CMD-SHELL");
            }
        });
        assertThat(oneShots).containsExactly("minio-init", "vault-init", "volume-init");

        Set<String> awaited = new TreeSet<>();
        services.forEach((name, service) -> ComposeFile.dependsOn(service).forEach((dependency, condition) -> {
            assertThat(services).as(name + " depends on " + dependency).containsKey(dependency);
            JsonNode target = services.get(dependency);
            assertThat(ComposeFile.inProfile(target) && !ComposeFile.inProfile(service))
                    .as(name + " depends on " + dependency + ", which runs only in a profile").isFalse();
            String expected = ComposeFile.isOneShot(target) ? "service_completed_successfully"
                    : STARTED_ONLY.contains(name + "->" + dependency) ? "service_started" : "service_healthy";
            assertThat(condition).as(name + " -> " + dependency).isEqualTo(expected);
            awaited.add(dependency);
        }));
        assertThat(awaited).as("every one-shot job is waited for").containsAll(oneShots);
        assertThat(ComposeFile.dependsOn(compose.service(SERVICE))).containsKeys("postgres", "vault", "vault-init",
                "artemis", "minio-init", "mailpit", "prometheus", "volume-init");
        // Dev-mode Vault (in memory) exists only behind its named profile.
        compose.services().forEach((name, service) -> {
            boolean devMode = ComposeFile.texts(service.path("command")).contains("-dev");
            assertThat(devMode).as(name + " runs Vault in dev mode").isEqualTo(name.equals("vault-dev"));
        });
        assertThat(ComposeFile.texts(compose.service("vault-dev").get("profiles"))).containsExactly("dev-vault");
        assertThat(compose.service(SERVICE).path("stop_grace_period").asText()).isEqualTo("40s");
    }

    @Test
    void mountedFilesExistAndNamedVolumesAreDeclaredAndUsed() {
        Set<String> declared = new TreeSet<>();
        compose.root.get("volumes").fieldNames().forEachRemaining(declared::add);
        Set<String> used = new TreeSet<>();
        compose.services().forEach((name, service) -> {
            for (Mount mount : ComposeFile.mounts(service)) {
                if (mount.isBind()) {
                    assertThat(mount.source()).as(name + ": bind mounts stay inside docker/").startsWith("./");
                    assertThat(DOCKER.resolve(mount.source())).as(name + " mounts " + mount.source()).exists();
                    assertThat(mount.readOnly()).as(name + " mounts " + mount.source() + " read-only").isTrue();
                } else {
                    assertThat(declared).as(name + " mounts volume " + mount.source()).contains(mount.source());
                    used.add(mount.source());
                }
            }
        });
        assertThat(used).isEqualTo(declared);
        JsonNode build = compose.service(SERVICE).get("build");
        assertThat(DOCKER.resolve(build.get("context").asText()).resolve(build.get("dockerfile").asText()))
                .isEqualTo(DOCKER.resolve("..").resolve("docker/Dockerfile")).exists();
        // The service's writable volumes are only its own; Prometheus and Grafana read them.
        for (String volume : List.of("onboarding-prometheus", "onboarding-dashboards")) {
            compose.services().forEach((name, service) -> ComposeFile.mounts(service).stream()
                    .filter(m -> m.source().equals(volume))
                    .forEach(m -> assertThat(m.readOnly()).as(name + " mounts " + volume)
                            .isEqualTo(!name.equals(SERVICE) && !name.equals("volume-init"))));
        }
    }

    @Test
    void secretsReachContainersOnlyAsFiles() {
        Set<String> declared = new TreeSet<>();
        compose.root.get("secrets").fields().forEachRemaining(e -> {
            declared.add(e.getKey());
            assertThat(e.getValue().get("file").asText()).isEqualTo("./secrets/" + e.getKey());
        });
        Pattern secretName = Pattern.compile(".*(PASSWORD|TOKEN|SECRET).*");
        compose.services().forEach((name, service) -> {
            List<String> granted = ComposeFile.texts(service.path("secrets"));
            assertThat(declared).containsAll(granted);
            ComposeFile.environment(service).forEach((variable, value) -> {
                if (variable.endsWith("_FILE")) {
                    if (value.startsWith("/run/secrets/")) {
                        assertThat(granted).as(name + " " + variable).contains(value.substring("/run/secrets/".length()));
                    }
                } else if (!ComposeFile.inProfile(service)) {
                    assertThat(variable).as(name + ": a secret in plain environment").doesNotMatch(secretName);
                }
            });
        });
    }

    @Test
    void theServiceGetsOnlyTheContractsVariables() {
        Set<String> allowed = new TreeSet<>(CONTRACT_VARIABLES);
        CONTRACT_SECRETS.forEach(variable -> allowed.add(variable + "_FILE"));
        Map<String, String> environment = ComposeFile.environment(compose.service(SERVICE));
        assertThat(allowed).containsAll(environment.keySet());
        assertThat(environment).containsKeys("PGHOST", "PGPASSWORD_FILE", "DATA_DIR", "ONBOARDING_API_TOKEN_FILE",
                "VAULT_ADDR", "VAULT_ROLE_ID", "VAULT_SECRET_ID_FILE", "JMS_BROKER_URL", "JMS_PASSWORD_FILE",
                "SMTP_HOST", "SMTP_PORT", "PROMETHEUS_CONFIG_DIR", "PROMETHEUS_URL", "BACKUP_S3_ENDPOINT",
                "BACKUP_S3_BUCKET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY_FILE");
        assertThat(environment).doesNotContainKeys("VAULT_TOKEN", "PGPASSWORD", "JMS_PASSWORD");

        // Each address names a service of the stack, and the AppRole pair matches vault-init's.
        for (String variable : List.of("PGHOST", "SMTP_HOST")) {
            assertThat(compose.services()).containsKey(environment.get(variable));
        }
        for (String variable : List.of("VAULT_ADDR", "JMS_BROKER_URL", "PROMETHEUS_URL", "BACKUP_S3_ENDPOINT")) {
            assertThat(compose.services()).as(variable).containsKey(hostOf(environment.get(variable)));
        }
        Map<String, String> vaultInit = ComposeFile.environment(compose.service("vault-init"));
        assertThat(environment.get("VAULT_ROLE_ID")).isEqualTo(vaultInit.get("VAULT_ROLE_ID"));
        String approleDir = ComposeFile.mountPointOf(compose.service(SERVICE), "vault-approle");
        assertThat(environment.get("VAULT_SECRET_ID_FILE")).isEqualTo(approleDir + "/secret-id");
        assertThat(ComposeFile.mountPointOf(compose.service("vault-init"), "vault-approle")).isEqualTo("/vault-approle");
        Map<String, String> minioInit = ComposeFile.environment(compose.service("minio-init"));
        assertThat(environment.get("BACKUP_S3_BUCKET")).isEqualTo(minioInit.get("BACKUP_S3_BUCKET"));
        assertThat(environment.get("AWS_ACCESS_KEY_ID")).isEqualTo(minioInit.get("SERVICE_ACCESS_KEY"));
        assertThat(environment.get("AWS_SECRET_ACCESS_KEY_FILE")).isEqualTo(minioInit.get("SERVICE_SECRET_KEY_FILE"));
        // MinIO takes STANDARD and REDUCED_REDUNDANCY only: the default STANDARD_IA would fail every backup.
        assertThat(environment.get("BACKUP_S3_STORAGE_CLASS")).isEqualTo("STANDARD");
    }

    @Test
    void theServiceRunsAsOneNonRootUidEverywhere() throws Exception {
        Dockerfile dockerfile = Dockerfile.read(DOCKER.resolve("Dockerfile"));
        List<String> users = dockerfile.runtime("USER");
        assertThat(users).hasSize(1);
        String uid = users.get(0);
        assertThat(uid).matches("\\d+:\\d+").isNotEqualTo("0:0");
        String[] ids = uid.split(":");
        String runs = String.join("\n", dockerfile.runtime("RUN"));
        assertThat(runs).contains("--uid " + ids[0]).contains("--gid " + ids[1])
                .contains("chown -R " + uid + " /data");

        assertThat(compose.service(SERVICE).get("user").asText()).isEqualTo(uid);
        List<String> chown = ComposeFile.texts(compose.service("volume-init").get("command"));
        assertThat(chown.subList(0, 2)).containsExactly("chown", uid);
        Set<String> serviceVolumes = ComposeFile.mounts(compose.service(SERVICE)).stream()
                .filter(m -> !m.readOnly()).map(Mount::target).collect(Collectors.toSet());
        assertThat(chown.subList(2, chown.size())).containsAll(serviceVolumes);
        Map<String, String> vaultInit = ComposeFile.environment(compose.service("vault-init"));
        assertThat(vaultInit.get("SERVICE_UID") + ":" + vaultInit.get("SERVICE_GID")).isEqualTo(uid);
    }

    @Test
    void theImageHasJava17AndPostgres15ClientToolsAndStopsAndChecksItselfProperly() throws Exception {
        Dockerfile dockerfile = Dockerfile.read(DOCKER.resolve("Dockerfile"));
        assertThat(dockerfile.externalBaseImages()).hasSize(2);
        assertThat(dockerfile.externalBaseImages().get(1)).as("runtime base pinned by digest").contains("@sha256:");
        // The bases are build arguments (a locally made base can be named instead, as docker/smoke-test
        // does), their defaults today's pinned references; the jar comes from the Maven stage unless
        // JAR_FROM=prebuilt takes target/tenant-onboarding.jar from the context.
        assertThat(dockerfile.fromLines()).containsExactly("${BUILD_IMAGE}", "scratch", "${JAR_FROM}", "${RUNTIME_IMAGE}");
        assertThat(dockerfile.stageNames()).containsExactly("build", "prebuilt", "jar", "runtime");
        assertThat(dockerfile.globalArgs()).containsEntry("JAR_FROM", "build")
                .containsEntry("BUILD_IMAGE", dockerfile.externalBaseImages().get(0))
                .containsEntry("RUNTIME_IMAGE", dockerfile.externalBaseImages().get(1));
        assertThat(dockerfile.baseImages().get(2)).isEqualTo("build");
        // ... and compose says it again: buildah 1.28 skips the Maven stage unless JAR_FROM is given.
        assertThat(compose.service(SERVICE).path("build").path("args").path("JAR_FROM").asText()).isEqualTo("build");
        String runs = String.join("\n", dockerfile.runtime("RUN"));
        assertThat(runs).contains("postgresql-client-15", "openjdk-17-jre-headless", "pg_dump --version",
                "pg_restore --version");

        String env = String.join(" ", dockerfile.runtime("ENV"));
        assertThat(env).contains("DATA_DIR=/data", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
        assertThat(dockerfile.runtime("EXPOSE")).containsExactly("8080");
        assertThat(dockerfile.runtime("HEALTHCHECK")).singleElement().asString().contains("/observe/health");
        assertThat(String.join("\n", dockerfile.runtime("COPY"))).contains(
                "--from=jar /src/target/tenant-onboarding.jar", "config /app/config", "routes /app/routes");

        // Exec form, so SIGTERM reaches tini (PID 1) and through it java, not a shell.
        ObjectMapper json = new ObjectMapper();
        List<String> entrypoint = ComposeFile.texts(json.readTree(dockerfile.runtime("ENTRYPOINT").get(0)));
        assertThat(entrypoint).containsSubsequence("/usr/bin/tini", "--", "java", "-jar",
                "/app/target/tenant-onboarding.jar");
        // A JVM ended by SIGTERM exits 143 whatever its shutdown did: tini reports that as 0.
        assertThat(entrypoint.subList(0, entrypoint.indexOf("--"))).containsExactly("/usr/bin/tini", "-e", "143");
        assertThat(ComposeFile.texts(json.readTree(dockerfile.runtime("CMD").get(0)))).containsExactly("serve");

        // The build context sent to the engine holds only what the image copies: no secrets, no data.
        List<String> ignore = Files.readAllLines(DOCKER.resolve("Dockerfile.dockerignore")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        assertThat(ignore).containsExactly("*", "!pom.xml", "!src/", "!config/", "!routes/");
    }

    @Test
    void prometheusReadsTheServicesVolumeAndAlertsThroughAlertmanager() throws Exception {
        JsonNode service = compose.service(SERVICE);
        Map<String, String> environment = new HashMap<>(ComposeFile.environment(service));
        environment.keySet().removeIf(variable -> variable.endsWith("_FILE"));
        PropertiesComponent settings = new DefaultCamelContext().getPropertiesComponent();
        PropertyLayers.applyTo(settings, environment, Map.of(), Path.of(""));

        // The service mounts exactly the directories it writes ...
        Set<String> written = new TreeSet<>();
        for (String key : List.of("onboarding.data-dir", "onboarding.prometheus.config-dir",
                "onboarding.grafana.dashboards-dir", "onboarding.inbox-dir", "onboarding.backup-dir",
                "onboarding.git-root")) {
            written.add(settings.resolveProperty(key).orElseThrow());
        }
        Set<String> writable = ComposeFile.mounts(service).stream().filter(m -> !m.readOnly()).map(Mount::target)
                .collect(Collectors.toSet());
        assertThat(written).containsAll(writable);

        // ... Prometheus reads targets/ and rules/ from the volume the service writes them into ...
        String prometheusDir = settings.resolveProperty("onboarding.prometheus.config-dir").orElseThrow();
        String volume = volumeAt(service, prometheusDir);
        String inPrometheus = ComposeFile.mountPointOf(compose.service("prometheus"), volume);
        JsonNode prometheus = ComposeFile.readYaml("prometheus/prometheus.yml");
        assertThat(ComposeFile.texts(prometheus.get("rule_files"))).containsExactly(inPrometheus + "/rules/*.yml");
        List<String> fileSd = new ArrayList<>();
        for (JsonNode job : prometheus.get("scrape_configs")) {
            job.path("file_sd_configs").forEach(sd -> fileSd.addAll(ComposeFile.texts(sd.get("files"))));
            job.path("static_configs").forEach(sc -> ComposeFile.texts(sc.get("targets")).forEach(target ->
                    assertThat(compose.services()).as(job.get("job_name") + " scrapes " + target)
                            .containsKey(target.split(":")[0])));
        }
        assertThat(fileSd).containsExactly(inPrometheus + "/targets/*.json");
        // The service's metrics want METRICS_TOKEN: Prometheus sends it from the same secret file.
        String metricsToken = Map.copyOf(ComposeFile.environment(service)).get("METRICS_TOKEN_FILE");
        assertThat(metricsToken).as("METRICS_TOKEN_FILE of the service").startsWith("/run/secrets/");
        String secret = metricsToken.substring("/run/secrets/".length());
        assertThat(ComposeFile.texts(service.path("secrets"))).contains(secret);
        assertThat(ComposeFile.texts(compose.service("prometheus").path("secrets"))).contains(secret);
        JsonNode serviceJob = null;
        for (JsonNode job : prometheus.get("scrape_configs")) {
            serviceJob = job.path("metrics_path").asText().equals("/observe/metrics") ? job : serviceJob;
        }
        assertThat(serviceJob).as("the scrape job of the service").isNotNull();
        assertThat(serviceJob.path("authorization").path("credentials_file").asText())
                .isEqualTo("/run/secrets/" + secret);
        assertThat(ComposeFile.texts(compose.service("prometheus").get("command"))).contains("--web.enable-lifecycle");
        assertThat(environment.get("PROMETHEUS_URL")).isEqualTo("http://prometheus:9090");

        // ... sends alerts to the alertmanager service ...
        List<String> alertmanagers = new ArrayList<>();
        prometheus.get("alerting").get("alertmanagers").forEach(am -> am.get("static_configs")
                .forEach(sc -> alertmanagers.addAll(ComposeFile.texts(sc.get("targets")))));
        assertThat(alertmanagers).containsExactly("alertmanager:9093");
        assertThat(ComposeFile.mounts(compose.service("alertmanager")))
                .contains(new Mount("./alertmanager/alertmanager.yml", "/etc/alertmanager/alertmanager.yml", true));

        // ... the tenant targets ({database_host}:9187) reach the exporter, which shares postgres' network ...
        assertThat(environment.get("PGHOST")).isEqualTo("postgres");
        assertThat(compose.service("postgres-exporter").get("network_mode").asText()).isEqualTo("service:postgres");

        // ... and Grafana provisions dashboards from the volume the service writes them into.
        String dashboards = settings.resolveProperty("onboarding.grafana.dashboards-dir").orElseThrow();
        String inGrafana = ComposeFile.mountPointOf(compose.service("grafana"), volumeAt(service, dashboards));
        assertThat(ComposeFile.readYaml("grafana/provisioning/dashboards/tenants.yaml").get("providers").get(0)
                .get("options").get("path").asText()).isEqualTo(inGrafana);
        assertThat(ComposeFile.readYaml("grafana/provisioning/datasources/prometheus.yaml").get("datasources")
                .get(0).get("url").asText()).isEqualTo("http://prometheus:9090");
    }

    @Test
    void promtoolAcceptsThePrometheusConfiguration() throws Exception {
        assumeTrue(run(List.of("promtool", "--version")).exitCode == 0, "promtool is not installed");
        // The metrics token is a compose secret, at /run/secrets/ only inside the container: promtool,
        // which checks that the file exists, reads a copy pointing at a stand-in file.
        Path dir = Files.createTempDirectory("prometheus-config");
        Path token = Files.writeString(dir.resolve("metrics_token"), "stand-in");
        String config = Files.readString(DOCKER.resolve("prometheus/prometheus.yml"));
        assertThat(config).contains("/run/secrets/metrics_token");
        Path copy = Files.writeString(dir.resolve("prometheus.yml"), config.replace("/run/secrets/metrics_token",
                token.toString()));
        Result check = run(List.of("promtool", "check", "config", copy.toString()));
        assertThat(check.exitCode).as(check.output).isZero();
        assertThat(check.output).contains("SUCCESS");
    }

    @Test
    void amtoolAcceptsTheAlertmanagerConfiguration() throws Exception {
        assumeTrue(run(List.of("amtool", "--version")).exitCode == 0, "amtool is not installed");
        Result check = run(List.of("amtool", "check-config", DOCKER.resolve("alertmanager/alertmanager.yml").toString()));
        assertThat(check.exitCode).as(check.output).isZero();
    }

    private static String volumeAt(JsonNode service, String target) {
        return ComposeFile.mounts(service).stream().filter(m -> m.target().equals(target)).map(Mount::source)
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + target));
    }

    private static String hostOf(String url) {
        return url.replaceFirst("^[a-z]+://", "").split("[:/]")[0];
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a command to its end (at most a minute); a missing program gives exit code -1. */
    static Result run(List<String> command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return new Result(-1, e.getMessage());
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        return new Result(process.exitValue(), output);
    }
}
