package io.onboarding.inbound;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.onboarding.kit.Json;
import java.io.IOException;
import java.io.InputStream;

import io.onboarding.inbound.BatchFileRecords.Records;

/** {@code .json}: one object, or an array of them, streamed record by record, each bounded in size. */
final class JsonRecords {

    private JsonRecords() {
    }

    static Records open(InputStream in, int maxBytes) throws IOException {
        // One name or value can't outgrow a record either, even before the record's size is known.
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(maxBytes).maxNameLength(maxBytes).maxNumberLength(1000).maxNestingDepth(100)
                .build()).build();
        JsonParser parser = factory.createParser(in);
        JsonToken first;
        try {
            first = parser.nextToken();
        } catch (IOException e) {
            parser.close();
            throw e;
        }
        if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
            parser.close();
            throw new UnreadableBatchFile("a .json file holds an object or an array of objects", null);
        }
        boolean array = first == JsonToken.START_ARRAY;
        return new BatchFileRecords.LookaheadRecords() {
            private boolean done;

            @Override
            BatchRecord advance() {
                if (done) {
                    return null;
                }
                long line = parser.currentLocation().getLineNr();
                try {
                    JsonToken token = array ? parser.nextToken() : parser.currentToken();
                    if (token == null || token == JsonToken.END_ARRAY) {
                        done = true;
                        return null;
                    }
                    line = parser.currentTokenLocation().getLineNr();
                    JsonNode node = boundedValue(parser, maxBytes);
                    done = !array;
                    return new BatchRecord(line, node, node == null ? ParseErrors.tooLong(line, maxBytes) : null);
                } catch (StreamConstraintsException e) {
                    // One name or value over the limit: the parser can't skip past it, so stop here.
                    done = true;
                    return new BatchRecord(line, null, ParseErrors.tooLong(line, maxBytes) + " (nor the rest of the file)");
                } catch (IOException e) {
                    // Past a syntax error nothing can be trusted: report it once and stop.
                    done = true;
                    return new BatchRecord(parser.currentLocation().getLineNr(), null,
                            "malformed JSON from here on: " + ParseErrors.json(e));
                }
            }

            @Override
            public void close() throws IOException {
                parser.close();
            }
        };
    }

    /** The value at the parser's current token, or null (the value skipped) if it is longer than maxBytes. */
    private static JsonNode boundedValue(JsonParser parser, int maxBytes) throws IOException {
        long start = parser.currentTokenLocation().getByteOffset();
        TokenBuffer buffer = new TokenBuffer(parser);
        int depth = 0;
        boolean tooLong = false;
        do {
            JsonToken token = parser.currentToken();
            depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
            tooLong = tooLong || parser.currentLocation().getByteOffset() - start > maxBytes;
            if (!tooLong) {
                buffer.copyCurrentEvent(parser);
            }
        } while (depth > 0 && parser.nextToken() != null);
        if (depth > 0) {
            throw new com.fasterxml.jackson.core.io.JsonEOFException(parser, null, "unexpected end of input");
        }
        if (tooLong) {
            buffer.close();
            return null;
        }
        try (JsonParser tokens = buffer.asParserOnFirstToken()) {
            return Json.MAPPER.readTree(tokens);
        }
    }
}
