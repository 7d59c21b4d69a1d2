package io.onboarding.kit;

import io.onboarding.kit.Json;
import io.onboarding.kit.RequestSchemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The OpenAPI document served at {@code GET /api-doc}: {@code openapi/api-doc.yaml} (paths and
 * responses) with every schema it refers to, {@code #/components/schemas/NAME}, read from
 * {@code schemas/NAME.json} (and the schemas those refer to). The same assembled document is what
 * {@link RequestSchemas} validates request bodies against, so what is documented is what is checked.
 */
public final class ApiDocument {

    static final String SCHEMA_REF = "#/components/schemas/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Loaded once: the resources are part of the build. */
    private static final class Holder {
        static final ObjectNode ASSEMBLED = assemble();
    }

    private final String served;

    /** @param serverUrl where clients reach the API (PUBLIC_BASE_URL); blank: relative to the document, {@code /} */
    public ApiDocument(String serverUrl) {
        ObjectNode document = assembled().deepCopy();
        String url = serverUrl == null || serverUrl.isBlank() ? "/" : serverUrl.strip().replaceAll("/+$", "");
        ObjectNode server = document.putArray("servers").addObject();
        server.put("url", url.isEmpty() ? "/" : url);
        server.put("description", "PUBLIC_BASE_URL");
        this.served = Json.write(document);
    }

    /** {@code GET /api-doc}. */
    public void serve(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(served);
    }

    /** The document with its schemas, without servers. */
    public static ObjectNode assembled() {
        return Holder.ASSEMBLED;
    }

    private static ObjectNode assemble() {
        ObjectNode document = (ObjectNode) read("openapi/api-doc.yaml", YAML);
        ObjectNode schemas = ((ObjectNode) document.get("components")).putObject("schemas");
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(document);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith(SCHEMA_REF)) {
                String name = ref.asText().substring(SCHEMA_REF.length());
                if (!schemas.has(name)) {
                    JsonNode schema = read("schemas/" + name + ".json", Json.MAPPER);
                    schemas.set(name, schema);
                    pending.push(schema);
                }
            }
            if (node.isContainerNode()) {
                node.forEach(pending::push);
            }
        }
        // Sorted, so the served document reads the same from one start to the next.
        ObjectNode sorted = Json.MAPPER.createObjectNode();
        schemas.properties().stream().map(Map.Entry::getKey).sorted()
                .forEach(name -> sorted.set(name, schemas.get(name)));
        ((ObjectNode) document.get("components")).set("schemas", sorted);
        return document;
    }

    private static JsonNode read(String resource, ObjectMapper mapper) {
        try (InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the API description refers to " + resource + ", which does not exist");
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
