package io.onboarding.inbound;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * What went wrong reading a batch file, told by kind and position only: parser messages quote the
 * input, and the input may be someone else's data, so it never reaches a report or a log line.
 */
final class ParseErrors {

    private ParseErrors() {
    }

    /** E.g. "not valid JSON (syntax error at line 3, column 12)". */
    static String json(Exception e) {
        String kind = e instanceof JsonEOFException ? "unexpected end of input"
                : e instanceof StreamConstraintsException ? "a name, value or nesting over the size limits"
                : e instanceof InputCoercionException ? "a number out of range"
                : e instanceof MismatchedInputException ? "a duplicate name or an unexpected value"
                : "syntax error";
        JsonLocation at = e instanceof JsonProcessingException p ? p.getLocation() : null;
        return "not valid JSON (" + kind + (at == null ? "" : " at line " + at.getLineNr() + ", column "
                + at.getColumnNr()) + ")";
    }

    /** A record over the size limit: only its line and the limit are told. */
    static String tooLong(long line, int maxBytes) {
        return "the record at line " + line + " is longer than " + maxBytes + " bytes; it was not read";
    }
}
