package io.onboarding.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.onboarding.support.ApiClient;
import io.onboarding.support.RunningService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an anonymous caller and an oversized request get: readiness without tenant ids or error
 * text, 401 and 413 answered before the body is read, metrics behind their own token, one address
 * per invitation.
 */
class FrontDoorTest {

    private static final String METRICS_TOKEN = "metrics-token-for-prometheus-0123";
    private static RunningService service;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        service = RunningService.start("platform_front_door_test", Map.of("onboarding.metrics.token", METRICS_TOKEN));
        api = service.api();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void healthSaysOnlyUpOrDownPerDependencyWithoutTheToken() {
        UUID tenantId = service.activeTenant("free", null);
        ApiClient.Response anonymous = api.withToken(null).get("/observe/health");
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.body().get("status").asText()).isEqualTo("UP");
        assertThat(anonymous.raw().body()).doesNotContain(tenantId.toString()).doesNotContain("backup-schedule");
        JsonNode checks = anonymous.body().get("checks");
        assertThat(checks.toString()).contains("control-plane-database", "jms-broker", "secret-store");
        checks.forEach(check -> assertThat(check.size()).as(check.toString()).isEqualTo(2));
        assertThat(anonymous.raw().body().length()).isLessThan(1000);

        ApiClient.Response admin = api.get("/observe/health");
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.body().get("checks").toString()).contains("control-plane-database");
    }

    @Test
    void anUnauthenticatedCallIsRefusedBeforeItsBodyIsRead() throws IOException {
        // A declared 100 MB body that never comes: the answer must not wait for it.
        assertThat(rawPost(null, 100_000_000L)).startsWith("HTTP/1.1 401");
        assertThat(rawPost("not-the-token", 100_000_000L)).startsWith("HTTP/1.1 401");
    }

    @Test
    void aBodyOverMaxBodyBytesGets413() throws IOException {
        // Declared over the limit and never sent: answered at once (a client still uploading would race
        // the answer against its own write, so the body is not sent here).
        assertThat(rawPost(RunningService.TOKEN, 1_048_577L)).startsWith("HTTP/1.1 413").contains("payload_too_large");
        // Just under the limit is read and validated as usual.
        String fits = "{\"tenant_name\":\"" + "x".repeat(1_000_000) + "\"}";
        assertThat(api.post("/api/v1/tenants", fits).status()).isEqualTo(400);
    }

    @Test
    void aChunkedBodyOverMaxBodyBytesGets413WithoutBeingReadWhole() throws Exception {
        // No Content-Length: chunks of 64 KiB are sent while another thread reads the answer, until it has
        // come or the server stops reading (the connection closed); 256 MB would be sent otherwise.
        try (Socket socket = new Socket("localhost", service.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/tenants HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + RunningService.TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            java.util.concurrent.CompletableFuture<String> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                StringBuilder read = new StringBuilder();
                try {
                    InputStream in = socket.getInputStream();
                    for (int b = in.read(); b >= 0 && read.length() < 4096 && !read.toString().endsWith("}"); b = in.read()) {
                        read.append((char) b);
                    }
                } catch (IOException e) {
                    read.append(" (").append(e.getMessage()).append(')');
                }
                return read.toString();
            });
            byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long sent = 0;
            try {
                while (sent < 256_000_000L && !answer.isDone()) {
                    out.write(chunk);
                    sent += 0x10000;
                }
            } catch (IOException closedByServer) {
                // the server answered and closed while the client was still writing
            }
            assertThat(answer.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("after " + sent + " bytes")
                    .startsWith("HTTP/1.1 413").contains("payload_too_large");
            assertThat(sent).as("the server stopped reading long before 256 MB").isLessThan(256_000_000L);
        }
        // A chunked body under the limit is read and handed on: validated as usual.
        java.net.http.HttpResponse<String> small = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + service.port()
                                + "/api/v1/tenants"))
                        .header("Authorization", "Bearer " + RunningService.TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                                "{\"tenant_name\":\"Chunked\",\"plan\":\"gold\",\"region\":\"local\"}"
                                        .getBytes(StandardCharsets.UTF_8)))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(small.statusCode()).isEqualTo(400);
        assertThat(small.body()).contains("\"plan\"");
    }

    @Test
    void metricsNeedTheirTokenWhenOneIsConfigured() {
        assertThat(api.withToken(null).get("/observe/metrics").status()).isEqualTo(401);
        assertThat(api.withToken("wrong").get("/observe/metrics").status()).isEqualTo(401);
        // Set, it is the only one: not even the admin token stands in for it.
        assertThat(api.get("/observe/metrics").status()).isEqualTo(401);
        ApiClient.Response scraped = api.withToken(METRICS_TOKEN).get("/observe/metrics");
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.raw().body()).contains("jvm_");
    }

    @Test
    void anInvitationGoesToExactlyOneAddress() {
        UUID tenantId = service.activeTenant("free", null);
        for (String email : new String[] {"a,b@example.test", "a@example.test,b@example.test", "A <a@example.test>",
                "a;b@example.test", "\"a b\"@example.test"}) {
            ApiClient.Response refused = api.post("/api/v1/tenants/" + tenantId + "/users",
                    "{\"email\":\"" + email.replace("\"", "\\\"") + "\",\"role\":\"developer\"}");
            assertThat(refused.status()).as(email).isEqualTo(400);
            assertThat(refused.body().get("error").get("details").get(0).get("field").asText()).isEqualTo("email");
        }
        ApiClient.Response tenant = api.post("/api/v1/tenants", "{\"tenant_name\":\"Comma " + UUID.randomUUID()
                .toString().substring(0, 8) + "\",\"plan\":\"free\",\"region\":\"local\",\"admin_email\":\"a,b@example.test\"}");
        assertThat(tenant.status()).isEqualTo(400);
        assertThat(tenant.body().get("error").get("details").get(0).get("field").asText()).isEqualTo("admin_email");
    }

    @Test
    void unknownPathsMethodsAndMediaTypesAnswerInTheErrorShape() throws Exception {
        ApiClient.Response unknown = api.get("/api/v1/nothing-here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").get("code").asText()).isEqualTo("not_found");
        ApiClient.Response wrongMethod = api.put("/api/v1/tenants", "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.body().get("error").get("code").asText()).isEqualTo("method_not_allowed");
        // RFC 9110: a 405 says which methods the resource has.
        assertThat(wrongMethod.header("Allow")).contains("GET, HEAD, POST");
        ApiClient.Response wrongOnOne = api.put("/api/v1/operations/" + java.util.UUID.randomUUID(), "{}");
        assertThat(wrongOnOne.status()).isEqualTo(405);
        assertThat(wrongOnOne.header("Allow")).contains("GET, HEAD");
        assertThat(api.delete("/api/v1/tenants/" + java.util.UUID.randomUUID() + "/approve").header("Allow"))
                .contains("POST");

        java.net.http.HttpResponse<String> form = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + service.port()
                                + "/api/v1/tenants"))
                        .header("Authorization", "Bearer " + RunningService.TOKEN)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("tenant_name=Form")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.body()).contains("unsupported_media_type");
    }

    /** A POST that declares a body of {@code length} bytes and sends none; the status line of the answer. */
    private static String rawPost(String token, long length) throws IOException {
        try (Socket socket = new Socket("localhost", service.port())) {
            socket.setSoTimeout(20_000); // a server that waits for the body never answers: the read fails
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/tenants HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + "Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            for (int b = in.read(); b >= 0 && answer.length() < 4096; b = in.read()) {
                answer.append((char) b);
                if (answer.toString().endsWith("}")) { // the end of the JSON error body
                    break;
                }
            }
            return answer.toString();
        }
    }
}
