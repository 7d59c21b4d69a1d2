package io.onboarding.web;

import io.onboarding.kit.ApiDocument;
import io.onboarding.kit.Json;
import io.onboarding.kit.RequestSchemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.onboarding.support.ApiClient;
import io.onboarding.support.RunningService;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openapitools.codegen.ClientOptInput;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;

/**
 * GET /api-doc from a running service: a valid OpenAPI 3 document (swagger-parser reports nothing),
 * every operation answered with a schema, the public invitation links without security, every REST
 * route of routes/*.yaml described (and nothing more), a Java client generated from it, and real
 * answers of the service matching the schemas the document gives for them.
 */
class OpenApiDocumentTest {

    private static final Set<String> PUBLIC = Set.of("GET /api/v1/invitations/{token}", "POST /api/v1/invitations/{token}/accept");

    private static RunningService service;
    private static ApiClient api;
    private static String document;

    @BeforeAll
    static void start() throws Exception {
        service = RunningService.start("platform_openapi_document_test");
        api = service.api();
        ApiClient.Response served = api.withToken(null).get("/api-doc");
        assertThat(served.status()).isEqualTo(200);
        document = served.raw().body();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static OpenAPI parsed() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(document, null, options);
        assertThat(result.getMessages()).as("swagger-parser's messages").isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        return result.getOpenAPI();
    }

    @Test
    void theDocumentIsValidOpenApiWithAWorkingServer() {
        OpenAPI openApi = parsed();
        assertThat(openApi.getOpenapi()).startsWith("3.0");
        assertThat(openApi.getServers()).singleElement().satisfies(server ->
                assertThat(server.getUrl()).isEqualTo("http://onboarding.test").doesNotContain("0.0.0.0"));
        // Fully resolved too (every $ref found), as a generator reads it.
        ParseOptions full = new ParseOptions();
        full.setResolve(true);
        full.setResolveFully(true);
        SwaggerParseResult resolved = new OpenAPIParser().readContents(document, null, full);
        assertThat(resolved.getMessages()).isEmpty();
        assertThat(resolved.getOpenAPI().getPaths()).isNotEmpty();
    }

    @Test
    void everyOperationHasResponsesWithSchemasAndItsSecurity() {
        OpenAPI openApi = parsed();
        assertThat(openApi.getSecurity()).singleElement().satisfies(requirement -> assertThat(requirement).containsKey("bearer"));
        assertThat(openApi.getComponents().getSecuritySchemes().get("bearer").getScheme()).isEqualTo("bearer");
        List<String> seen = new ArrayList<>();
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            String name = method + " " + path;
            seen.add(name);
            assertThat(operation.getOperationId()).as(name).isNotBlank();
            assertThat(operation.getResponses()).as(name).isNotEmpty();
            operation.getResponses().forEach((code, response) -> {
                ApiResponse answer = resolve(openApi, response);
                if (!code.equals("204")) {
                    assertThat(answer.getContent()).as(name + " " + code).isNotNull();
                    assertThat(answer.getContent().get("application/json").getSchema()).as(name + " " + code).isNotNull();
                }
            });
            assertThat(operation.getResponses().keySet()).as(name)
                    .anyMatch(code -> code.startsWith("2"))
                    .anyMatch(code -> code.startsWith("4"));
            if (PUBLIC.contains(name)) {
                assertThat(operation.getSecurity()).as(name + " is public").isEmpty();
                assertThat(operation.getResponses()).as(name).doesNotContainKey("401");
            } else {
                assertThat(operation.getSecurity()).as(name + " inherits bearer").isNull();
                assertThat(operation.getResponses()).as(name).containsKeys("401", "403");
            }
            if (operation.getRequestBody() != null) {
                assertThat(operation.getResponses()).as(name).containsKeys("400", "413", "415");
            }
        }));
        assertThat(seen).containsAll(PUBLIC);
        // The error shape is one shared component, used by every 4xx.
        assertThat(openApi.getComponents().getSchemas()).containsKeys("Error", "ErrorDetail", "CreateTenantRequest");
        assertThat(openApi.getComponents().getSchemas().get("CreateTenantRequest").getExample()).isNotNull();
    }

    private static ApiResponse resolve(OpenAPI openApi, ApiResponse response) {
        return response.get$ref() == null ? response
                : openApi.getComponents().getResponses().get(response.get$ref().substring("#/components/responses/".length()));
    }

    @Test
    void everyRestRouteIsDescribedAndNothingElse() throws Exception {
        Set<String> routes = new TreeSet<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                for (JsonNode entry : yaml.readTree(file.toFile())) {
                    JsonNode rest = entry.get("rest");
                    if (rest == null) {
                        continue;
                    }
                    String base = rest.path("path").asText("");
                    for (String verb : List.of("get", "post", "put", "patch", "delete")) {
                        rest.path(verb).forEach(route -> routes.add(verb.toUpperCase() + " " + base + route.path("path").asText("")));
                    }
                }
            }
        }
        Set<String> described = new TreeSet<>();
        parsed().getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> described.add(method + " " + path)));
        assertThat(routes).isNotEmpty();
        assertThat(described).as("operations in /api-doc = REST routes in routes/*.yaml").isEqualTo(routes);
    }

    @Test
    void aJavaClientIsGeneratedFromIt() throws Exception {
        Path spec = Files.createTempFile("api-doc", ".json");
        Files.writeString(spec, document);
        File output = new File("target/generated-client");
        CodegenConfigurator configurator = new CodegenConfigurator()
                .setGeneratorName("java")
                .setLibrary("native")
                .setInputSpec(spec.toString())
                .setOutputDir(output.getPath())
                .setApiPackage("io.onboarding.client.api")
                .setModelPackage("io.onboarding.client.model")
                .addAdditionalProperty("hideGenerationTimestamp", true);
        ClientOptInput input = configurator.toClientOptInput();
        List<File> files = new DefaultGenerator().opts(input).generate();

        Path api = output.toPath().resolve("src/main/java/io/onboarding/client/api");
        assertThat(files).isNotEmpty();
        assertThat(api.resolve("TenantsApi.java")).exists().content().contains("createTenant", "listTenants", "destroyTenant");
        assertThat(api.resolve("OperationsApi.java")).exists().content().contains("getOperation", "listOperations");
        assertThat(api.resolve("InvitationsApi.java")).exists();
        Path model = output.toPath().resolve("src/main/java/io/onboarding/client/model");
        assertThat(model.resolve("CreateTenantRequest.java")).exists();
        assertThat(model.resolve("Error.java")).exists();
    }

    @Test
    void realAnswersMatchTheirSchemas() {
        assertThat(RequestSchemas.answerProblems("TenantPage", api.get("/api/v1/tenants").body())).isEmpty();
        assertThat(RequestSchemas.answerProblems("OperationPage", api.get("/api/v1/operations").body())).isEmpty();
        ApiClient.Response invalid = api.post("/api/v1/tenants", "{\"plan\":\"gold\"}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(RequestSchemas.answerProblems("Error", invalid.body())).isEmpty();
        ApiClient.Response unauthorized = api.withToken(null).get("/api/v1/tenants");
        assertThat(RequestSchemas.answerProblems("Error", unauthorized.body())).isEmpty();
        ApiClient.Response missing = api.get("/api/v1/tenants/" + UUID.randomUUID());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(RequestSchemas.answerProblems("Error", missing.body())).isEmpty();
        ApiClient.Response token = api.post("/api/v1/tokens", "{\"name\":\"openapi-%s\",\"scopes\":[\"reader\"]}"
                .formatted(UUID.randomUUID().toString().substring(0, 8)));
        assertThat(token.status()).isEqualTo(201);
        assertThat(RequestSchemas.answerProblems("TokenCreated", token.body())).isEmpty();
        assertThat(RequestSchemas.answerProblems("TokenList", api.get("/api/v1/tokens").body())).isEmpty();
        JsonNode audit = api.get("/api/v1/audit").body();
        assertThat(audit.get("items")).as("the token's creation is audited").isNotEmpty();
        assertThat(RequestSchemas.answerProblems("AuditPage", audit)).isEmpty();
        assertThat(RequestSchemas.answerProblems("Reconciliation", api.get("/api/v1/reconcile").body())).isEmpty();
        // A schema that refuses what the service sends is caught here: the check is not vacuous.
        assertThat(RequestSchemas.answerProblems("Error", api.get("/api/v1/tenants").body())).isNotEmpty();
    }

    @Test
    void theServedDocumentIsTheOneValidationUses() {
        JsonNode served = Json.parse(document);
        assertThat(served.at("/components/schemas/CreateTenantRequest"))
                .isEqualTo(ApiDocument.assembled().at("/components/schemas/CreateTenantRequest"));
        assertThat(served.at("/paths/~1api~1v1~1invitations~1{token}/get/security")).isEmpty();
    }
}
