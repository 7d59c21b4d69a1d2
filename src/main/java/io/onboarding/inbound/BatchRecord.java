package io.onboarding.inbound;

import com.fasterxml.jackson.databind.JsonNode;

/** One record of a batch file: its line and either its JSON body or why it could not be read. */
public record BatchRecord(long line, JsonNode body, String unreadable) {
}
