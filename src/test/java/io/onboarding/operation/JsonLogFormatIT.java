package io.onboarding.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onboarding.support.ApiClient;
import io.onboarding.support.ServiceProcess;
import io.onboarding.support.TestPostgres;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The packaged service with LOG_FORMAT=json: stdout is one JSON object a line, steps' lines with their ids. */
class JsonLogFormatIT {

    private static final String TOKEN = "json-log-test-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyLineIsJsonAndAStepsLinesCarryTheOperationAndTenant() throws Exception {
        Map<String, String> env = new HashMap<>(TestPostgres.environment());
        env.put("PLATFORM_DB", "platform_json_log_it");
        env.put("DATA_DIR", Files.createTempDirectory("onboarding-json-log").toString());
        env.put("SERVER_PORT", Integer.toString(TestPostgres.freePort()));
        env.put("ONBOARDING_API_TOKEN", TOKEN);
        env.put("INBOX_DIR", Files.createTempDirectory("onboarding-json-log-inbox").toString());
        env.put("LOG_FORMAT", "json");
        String jms = "-Donboarding.jms.embedded-port=" + TestPostgres.freePort();
        UUID tenantId = UUID.randomUUID();
        String output;
        String operationId;
        try (ServiceProcess service = ServiceProcess.start("json-log", env, jms)) {
            ApiClient.Response accepted = service.api().post("/api/v1/tenants", """
                    {"tenant_id":"%s","tenant_name":"Json %s","plan":"free","region":"local"}"""
                    .formatted(tenantId, tenantId.toString().substring(0, 8)));
            assertThat(accepted.status()).isEqualTo(202);
            operationId = accepted.body().get("operation_id").asText();
            assertThat(service.api().get("/api/v1/operations/" + operationId + "?wait=60").body().get("status").asText())
                    .isEqualTo("succeeded");
            service.terminate();
            output = service.output();
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.lines().filter(line -> !line.isBlank()).toList()) {
            JsonNode parsed;
            try {
                parsed = JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
            assertThat(parsed.isObject()).as(line).isTrue();
            assertThat(parsed.path("message").isTextual()).as(line).isTrue();
            OffsetDateTime.parse(parsed.path("@timestamp").asText()); // a full ISO-8601 timestamp
            lines.add(parsed);
        }
        assertThat(lines).hasSizeGreaterThan(3);
        assertThat(lines).anyMatch(line -> line.path("message").asText().contains("listening on"));
        assertThat(lines).filteredOn(line -> operationId.equals(line.path("operation_id").asText()))
                .isNotEmpty()
                .anyMatch(line -> tenantId.toString().equals(line.path("tenant_id").asText())
                        && line.path("message").asText().contains("succeeded"));
        assertThat(lines).filteredOn(line -> !line.has("operation_id")).isNotEmpty(); // only while a step runs
    }
}
