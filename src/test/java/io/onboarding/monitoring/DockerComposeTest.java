package io.onboarding.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.onboarding.platform.PropertyLayers;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the stack is checked as data: the service is wired only through
 * variables it reads, it mounts only directories it writes, and Prometheus and Grafana read those
 * same volumes where the service puts targets, rules and dashboards.
 */
class DockerComposeTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode read(String file) throws Exception {
        return YAML.readTree(Path.of("docker", file).toFile());
    }

    /** Volume name → mount target, for one service. */
    private static Map<String, String> mounts(JsonNode service) {
        Map<String, String> mounts = new HashMap<>();
        service.get("volumes").forEach(volume -> {
            String[] parts = volume.asText().split(":");
            mounts.put(parts[0], parts[1]);
        });
        return mounts;
    }

    @Test
    void theServiceIsWiredOnlyThroughTheContractsVariablesAndMountsOnlyWhatItWrites() throws Exception {
        JsonNode compose = read("compose.yaml");
        JsonNode service = compose.get("services").get("onboarding");
        Map<String, String> environment = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = service.get("environment").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> variable = it.next();
            environment.put(variable.getKey(), variable.getValue().asText());
        }
        assertThat(PropertyLayers.environmentVariables()).containsAll(environment.keySet());
        assertThat(environment).containsKeys("PGHOST", "VAULT_ADDR", "JMS_BROKER_URL", "PROMETHEUS_CONFIG_DIR",
                "SMTP_HOST");
        assertThat(service.get("build").get("dockerfile").asText()).isEqualTo("docker/Dockerfile");

        PropertiesComponent settings = new DefaultCamelContext().getPropertiesComponent();
        PropertyLayers.applyTo(settings, environment, Map.of(), Path.of(""));
        Set<String> written = new HashSet<>();
        for (String key : new String[] {"onboarding.data-dir", "onboarding.prometheus.config-dir",
                "onboarding.grafana.dashboards-dir", "onboarding.inbox-dir", "onboarding.backup-dir",
                "onboarding.git-root"}) {
            written.add(settings.resolveProperty(key).orElseThrow());
        }
        Map<String, String> mounts = mounts(service);
        assertThat(written).containsAll(mounts.values());

        // Prometheus reads the volume the service writes targets/ and rules/ into ...
        String prometheusDir = settings.resolveProperty("onboarding.prometheus.config-dir").orElseThrow();
        String volume = mounts.entrySet().stream().filter(e -> e.getValue().equals(prometheusDir))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        String inPrometheus = mounts(compose.get("services").get("prometheus")).get(volume);
        JsonNode prometheus = read("prometheus/prometheus.yml");
        assertThat(prometheus.get("rule_files").get(0).asText()).isEqualTo(inPrometheus + "/rules/*.yml");
        boolean fileSd = false;
        for (JsonNode job : prometheus.get("scrape_configs")) {
            if (job.has("file_sd_configs")) {
                fileSd = job.get("file_sd_configs").get(0).get("files").get(0).asText()
                        .equals(inPrometheus + "/targets/*.json");
            }
        }
        assertThat(fileSd).as("file_sd reads the service's targets/").isTrue();

        // ... and Grafana provisions dashboards from the volume the service writes them into.
        String dashboards = settings.resolveProperty("onboarding.grafana.dashboards-dir").orElseThrow();
        String dashboardVolume = mounts.entrySet().stream().filter(e -> e.getValue().equals(dashboards))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        String inGrafana = mounts(compose.get("services").get("grafana")).get(dashboardVolume);
        assertThat(read("grafana/provisioning/dashboards/tenants.yaml").get("providers").get(0).get("options")
                .get("path").asText()).isEqualTo(inGrafana);
        assertThat(compose.get("volumes").has(volume)).isTrue();
    }
}
