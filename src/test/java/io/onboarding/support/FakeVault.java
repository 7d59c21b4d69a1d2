package io.onboarding.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A small in-test server speaking the documented part of Vault's HTTP API the service uses: KV v2
 * under {@code /v1/{mount}/data/} and {@code /v1/{mount}/metadata/}, {@code auth/token/lookup-self},
 * and the {@code X-Vault-Token} header (403 without the right one). It can fail on demand with 503
 * (or another status), or hang: accept requests and answer none until {@link #up()}.
 * Optionally: HTTPS with a test CA's certificate, a required {@code X-Vault-Namespace}, and AppRole
 * ({@code auth/approle/login}) issuing tokens with a TTL, renewable by {@code auth/token/renew-self},
 * refused (403) once expired.
 */
public final class FakeVault implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One version of a secret. */
    public record Version(Map<String, Object> data, boolean deleted) {
    }

    /** A token issued by an AppRole login, valid until {@code expires}. */
    private record Issued(Instant expires) {
    }

    private final HttpServer server;
    private final boolean https;
    private final String token;
    private final String mount;
    private final Map<String, List<Version>> secrets = new ConcurrentHashMap<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean down;
    private volatile int downStatus = 503;
    private volatile CountDownLatch hanging;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger renewals = new AtomicInteger();
    private final java.util.Set<String> namespacesSeen = ConcurrentHashMap.newKeySet();
    private volatile String roleId;
    private volatile String secretId;
    private volatile Duration tokenTtl;
    private volatile boolean renewable;
    private volatile String namespace;

    public FakeVault(String token, String mount) throws IOException {
        this(token, mount, null);
    }

    /** With {@code tls}, HTTPS only (address {@code https://localhost:PORT}). */
    public FakeVault(String token, String mount, SSLContext tls) throws IOException {
        this.token = token;
        this.mount = mount;
        this.https = tls != null;
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        if (tls == null) {
            this.server = HttpServer.create(loopback, 0);
        } else {
            HttpsServer secure = HttpsServer.create(loopback, 0);
            secure.setHttpsConfigurator(new HttpsConfigurator(tls));
            this.server = secure;
        }
        server.createContext("/v1/", this::handle);
        server.setExecutor(handlers); // a hanging request must not hold up the others
        server.start();
    }

    public String address() {
        return (https ? "https://localhost:" : "http://127.0.0.1:") + server.getAddress().getPort();
    }

    /** Accepts AppRole logins with these ids, issuing tokens of {@code ttl}. */
    public FakeVault appRole(String roleId, String secretId, Duration ttl, boolean renewable) {
        this.roleId = roleId;
        this.secretId = secretId;
        this.tokenTtl = ttl;
        this.renewable = renewable;
        return this;
    }

    /** Every request must carry {@code X-Vault-Namespace: namespace} (403 otherwise). */
    public FakeVault requireNamespace(String namespace) {
        this.namespace = namespace;
        return this;
    }

    /** Every token an AppRole login issued stops working (as after a revocation or an expired max TTL). */
    public void revokeIssuedTokens() {
        issued.clear();
    }

    public int logins() {
        return logins.get();
    }

    public int renewals() {
        return renewals.get();
    }

    /** The X-Vault-Namespace values requests came with. */
    public java.util.Set<String> namespacesSeen() {
        return java.util.Set.copyOf(namespacesSeen);
    }

    /** The next {@code count} requests are answered 503. */
    public void failNext(int count) {
        failuresLeft.set(count);
    }

    /** Every request answered 503 until {@link #up()}. */
    public void down() {
        down(503);
    }

    /** Every request answered with this status until {@link #up()}. */
    public void down(int status) {
        downStatus = status;
        down = true;
    }

    /**
     * Every request accepted and left unanswered until {@link #up()} (at most 5 minutes), then answered
     * 503 without being carried out, as by a server that was stuck.
     */
    public void hang() {
        hanging = new CountDownLatch(1);
    }

    /** Answers normally again; requests left hanging are answered now (their callers may be gone). */
    public void up() {
        down = false;
        CountDownLatch hung = hanging;
        hanging = null;
        if (hung != null) {
            hung.countDown();
        }
    }

    public int requests() {
        return requests.get();
    }

    public List<Version> versions(String path) {
        return secrets.getOrDefault(path, List.of());
    }

    /** The latest live version's data, or null. */
    public Map<String, Object> latest(String path) {
        List<Version> versions = secrets.get(path);
        if (versions == null || versions.isEmpty() || versions.get(versions.size() - 1).deleted()) {
            return null;
        }
        return versions.get(versions.size() - 1).data();
    }

    public List<String> paths() {
        return new ArrayList<>(secrets.keySet());
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            CountDownLatch hung = hanging;
            if (hung != null) { // a stuck server: the request is never carried out, only answered at last
                try {
                    hung.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reply(exchange, 503, Map.of("errors", List.of("Vault was not answering")));
                return;
            }
            if (down) {
                reply(exchange, downStatus, Map.of("errors", List.of("Vault failed")));
                return;
            }
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply(exchange, 503, Map.of("errors", List.of("Vault is sealed")));
                return;
            }
            String requestNamespace = exchange.getRequestHeaders().getFirst("X-Vault-Namespace");
            if (requestNamespace != null) {
                namespacesSeen.add(requestNamespace);
            }
            if (namespace != null && !namespace.equals(requestNamespace)) {
                reply(exchange, 403, Map.of("errors", List.of("permission denied (no such namespace)")));
                return;
            }
            String path = exchange.getRequestURI().getPath().substring("/v1/".length());
            String method = exchange.getRequestMethod();
            if (path.equals("auth/approle/login") && method.equals("POST")) {
                login(exchange);
                return;
            }
            String presented = exchange.getRequestHeaders().getFirst("X-Vault-Token");
            if (!token.equals(presented) && !valid(presented)) {
                reply(exchange, 403, Map.of("errors", List.of("permission denied")));
                return;
            }
            if (path.equals("auth/token/renew-self") && method.equals("POST")) {
                renew(exchange, presented);
            } else if (path.equals("auth/token/lookup-self") && method.equals("GET")) {
                reply(exchange, 200, Map.of("data", Map.of("id", "fake", "policies", List.of("root"))));
            } else if (path.startsWith(mount + "/data/")) {
                data(exchange, method, path.substring((mount + "/data/").length()));
            } else if (path.startsWith(mount + "/metadata/") && method.equals("DELETE")) {
                secrets.remove(path.substring((mount + "/metadata/").length()));
                reply(exchange, 204, null);
            } else {
                reply(exchange, 404, Map.of("errors", List.of()));
            }
        }
    }

    private boolean valid(String presented) {
        Issued token = presented == null ? null : issued.get(presented);
        return token != null && Instant.now().isBefore(token.expires());
    }

    private void login(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        if (roleId == null || !roleId.equals(body.path("role_id").asText(null))
                || !java.util.Objects.equals(secretId, body.path("secret_id").asText(null))) {
            reply(exchange, 400, Map.of("errors", List.of("invalid role or secret ID")));
            return;
        }
        String issuedToken = "hvs.fake-" + java.util.UUID.randomUUID();
        issued.put(issuedToken, new Issued(Instant.now().plus(tokenTtl)));
        logins.incrementAndGet();
        reply(exchange, 200, Map.of("auth", auth(issuedToken)));
    }

    private void renew(HttpExchange exchange, String presented) throws IOException {
        if (!issued.containsKey(presented) || !renewable) {
            reply(exchange, 400, Map.of("errors", List.of("lease is not renewable")));
            return;
        }
        issued.put(presented, new Issued(Instant.now().plus(tokenTtl)));
        renewals.incrementAndGet();
        reply(exchange, 200, Map.of("auth", auth(presented)));
    }

    private Map<String, Object> auth(String clientToken) {
        return Map.of("client_token", clientToken, "accessor", "fake-accessor", "policies", List.of("default"),
                "token_policies", List.of("default"), "metadata", Map.of(), "lease_duration", tokenTtl.toSeconds(),
                "renewable", renewable, "token_type", "service", "orphan", true);
    }

    private void data(HttpExchange exchange, String method, String secretPath) throws IOException {
        switch (method) {
            case "POST", "PUT" -> {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                @SuppressWarnings("unchecked")
                Map<String, Object> data = JSON.convertValue(body.get("data"), Map.class);
                List<Version> versions = secrets.computeIfAbsent(secretPath, p -> new ArrayList<>());
                synchronized (versions) {
                    JsonNode cas = body.path("options").path("cas");
                    if (!cas.isMissingNode() && cas.asInt() != versions.size()) {
                        reply(exchange, 400, Map.of("errors", List.of("check-and-set parameter did not match the"
                                + " current version")));
                        return;
                    }
                    versions.add(new Version(data, false));
                    reply(exchange, 200, Map.of("data", Map.of("version", versions.size(),
                            "created_time", Instant.now().toString(), "deletion_time", "", "destroyed", false)));
                }
            }
            case "GET" -> {
                Map<String, Object> latest = latest(secretPath);
                if (latest == null) {
                    reply(exchange, 404, Map.of("errors", List.of()));
                    return;
                }
                Map<String, Object> response = new LinkedHashMap<>();
                response.put("data", latest);
                response.put("metadata", Map.of("version", versions(secretPath).size(), "destroyed", false));
                reply(exchange, 200, Map.of("data", response));
            }
            case "DELETE" -> { // soft-deletes the latest version only, as Vault does
                List<Version> versions = secrets.get(secretPath);
                if (versions != null && !versions.isEmpty()) {
                    Version last = versions.get(versions.size() - 1);
                    versions.set(versions.size() - 1, new Version(last.data(), true));
                }
                reply(exchange, 204, null);
            }
            default -> reply(exchange, 405, Map.of("errors", List.of("method not allowed")));
        }
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        up();
        server.stop(0);
        handlers.shutdownNow();
    }
}
