package io.onboarding.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** One answer of the API: its status and body exactly as sent (printed as is for {@code --output json}). */
record ApiAnswer(int status, String body) {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The body as JSON; a missing node when there is none or it is not JSON. */
    JsonNode json() {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (Exception notJson) {
            return MissingNode.getInstance();
        }
    }
}
