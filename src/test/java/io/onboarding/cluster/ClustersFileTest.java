package io.onboarding.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onboarding.support.QuickTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clusters file's strict reading, without a service: every refusal names the entry. */
@QuickTest
class ClustersFileTest {

    @TempDir
    Path dir;

    private List<ClusterSettings> read(String yaml) throws Exception {
        Path file = dir.resolve("clusters.yaml");
        Files.writeString(file, yaml);
        Map<String, String> store = Map.of("platform/clusters/eu-1", "from-the-store");
        return ClustersFile.read(file, path -> {
            if (!store.containsKey(path)) {
                throw new IllegalArgumentException("password_secret " + path + " holds no password in the secret store");
            }
            return store.get(path);
        });
    }

    @Test
    void aGoodFileGivesEveryClusterWithItsDefaults() throws Exception {
        Files.writeString(dir.resolve("pw"), "from-a-file\n");
        List<ClusterSettings> clusters = read("""
                clusters:
                  - name: eu-1
                    region: eu-west-1
                    host: 10.0.0.5
                    password_secret: platform/clusters/eu-1
                    sslmode: require
                    capacity: 500
                    state: draining
                  - {name: eu-2, region: eu-west-1, host: 10.0.0.6, port: 5433, user: svc, password_file: %s}
                """.formatted(dir.resolve("pw")));
        assertThat(clusters).extracting(ClusterSettings::name).containsExactly("eu-1", "eu-2");
        ClusterSettings first = clusters.get(0);
        assertThat(first.connection().port()).isEqualTo(5432);
        assertThat(first.connection().user()).isEqualTo("postgres");
        assertThat(first.connection().password()).isEqualTo("from-the-store");
        assertThat(first.connection().tls().effectiveMode()).isEqualTo("require");
        assertThat(first.capacity()).isEqualTo(500);
        assertThat(first.state()).isEqualTo(ClusterSettings.State.DRAINING);
        ClusterSettings second = clusters.get(1);
        assertThat(second.connection().password()).isEqualTo("from-a-file");
        assertThat(second.capacity()).isNull();
        assertThat(second.state()).isEqualTo(ClusterSettings.State.OPEN);
        assertThat(second.serves("eu-west-1")).isTrue();
        assertThat(second.serves("us-east-1")).isFalse();
    }

    @Test
    void everyMistakeIsRefusedNamingItsEntry() {
        String ok = "  - {name: eu-1, region: eu-west-1, host: h}\n";
        assertRefused("clusters:\n" + ok + "  - {name: eu-2, region: eu-west-1, host: h, port: 0}\n",
                "clusters[1] (eu-2): port must be 1-65535 (not 0)");
        assertRefused("clusters:\n" + ok + "  - {name: eu-2, region: eu-west-1, host: h, port: abc}\n",
                "clusters[1] (eu-2): port must be 1-65535");
        assertRefused("clusters:\n  - {name: eu-1, region: eu-west-1, host: h, host: g}\n", "Duplicate field 'host'");
        assertRefused("clusters:\n  - {name: Eu_1, region: eu-west-1, host: h}\n", "clusters[0] (Eu_1): name must be");
        assertRefused("clusters:\n  - {name: eu-1, host: h}\n", "clusters[0] (eu-1): region is required");
        assertRefused("clusters:\n  - {name: eu-1, region: r, host: h, capacity: -1}\n",
                "clusters[0] (eu-1): capacity must be a whole number, 0 or more");
        assertRefused("clusters:\n  - {name: eu-1, region: r, host: h, password: a, password_file: /x}\n",
                "clusters[0] (eu-1): give one of password, password_file, password_secret");
        assertRefused("clusters:\n  - {name: eu-1, region: r, host: h, password_secret: platform/none}\n",
                "clusters[0] (eu-1): password_secret platform/none holds no password");
        assertRefused("clusters:\n  - {name: eu-1, region: r, host: h, sslmode: sometimes}\n",
                "clusters[0] (eu-1): PGSSLMODE sometimes is not one of");
        assertRefused("clusters: []\n", "must hold exactly one key, clusters");
        assertRefused("clusters:\n" + ok + "extra: 1\n", "must hold exactly one key, clusters");
    }

    private void assertRefused(String yaml, String message) {
        assertThatThrownBy(() -> read(yaml)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CLUSTERS_FILE ").hasMessageContaining(message);
    }
}
