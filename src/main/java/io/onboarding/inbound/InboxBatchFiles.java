package io.onboarding.inbound;

import io.onboarding.api.ApiException;
import io.onboarding.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import io.onboarding.monitoring.OnboardingMetrics;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one batch file from the inbox, record by record, streaming: each record's outcome is a
 * line of {@code .results/<file>.result.ndjson} (written aside and renamed when complete). A file
 * that cannot be read at all, or is not a regular file of its own (a link), gets
 * {@code .failed/<file>.reason.txt} and fails the exchange, so the file consumer moves it to
 * {@code .failed/}.
 */
public final class InboxBatchFiles {

    private static final Logger LOG = LoggerFactory.getLogger(InboxBatchFiles.class);

    private final InboundRequests requests;
    private final InboxOutputs outputs;
    private final int maxRecordBytes;
    private final OnboardingMetrics metrics;

    public InboxBatchFiles(InboundRequests requests, Path inbox, int maxRecordBytes, OnboardingMetrics metrics) {
        this.metrics = metrics;
        this.requests = requests;
        this.outputs = new InboxOutputs(inbox);
        this.maxRecordBytes = maxRecordBytes;
    }

    /** SHA-256 of the file's content, read as a stream: the key that makes a repeated drop a no-op. */
    public String fingerprint(Exchange exchange) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(InboxFile.open(file(exchange)), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (UnreadableBatchFile e) {
            fail(name(exchange), e.getMessage());
            throw e;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public void process(Exchange exchange) throws IOException {
        Path file = file(exchange);
        String name = name(exchange);
        String fingerprint = exchange.getMessage().getHeader("contentSha256", String.class);
        int accepted = 0;
        int refused = 0;
        try (InboxOutputs.Draft draft = outputs.draft();
             InputStream in = InboxFile.open(file);
             BatchFileRecords.Records records = BatchFileRecords.open(name, in, maxRecordBytes)) {
            Writer report = draft.writer();
            while (records.hasNext()) {
                BatchRecord record = records.next();
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("line", record.line());
                if (record.unreadable() != null) {
                    line.put("error", ApiException.validation("body", record.unreadable()).toBody());
                } else {
                    Map<String, Object> outcome = submit(record, "inbox:" + fingerprint + ":" + record.line());
                    outcome.remove("status");
                    line.putAll(outcome);
                }
                if (line.containsKey("error")) {
                    refused++;
                    metrics.inboxRecord("refused");
                } else {
                    accepted++;
                    metrics.inboxRecord("accepted");
                }
                report.write(Json.write(line));
                report.write(System.lineSeparator());
            }
            draft.publish(".results", name + ".result.ndjson");
        } catch (UnreadableBatchFile e) {
            fail(name, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            // Our own failure (database or secret store down) that outlasted the retries: records are
            // idempotent, so the file can simply be dropped again.
            fail(name, "processing stopped after " + (accepted + refused) + " records: " + e.getMessage()
                    + "; the service could not handle the rest. Drop the file again to retry: records already"
                    + " accepted are not created twice.");
            throw e;
        }
        LOG.info("Inbox file {}: {} records accepted, {} refused", name, accepted, refused);
        metrics.inboxFile("processed");
    }

    /** Writes the reason beside where the consumer moves the file; the reason never quotes the file. */
    private void fail(String name, String reason) throws IOException {
        LOG.warn("Inbox file {} moved to .failed: {}", name, reason);
        metrics.inboxFile("failed");
        try (InboxOutputs.Draft draft = outputs.draft()) {
            draft.writer().write(reason + System.lineSeparator());
            draft.publish(".failed", name + ".reason.txt");
        }
    }

    /** A record handed to the entry point, tried again a few times if the service itself fails. */
    private Map<String, Object> submit(BatchRecord record, String origin) {
        for (int attempt = 1; ; attempt++) {
            try {
                return requests.submit(record.body(), origin);
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                try {
                    Thread.sleep(1000L * attempt); // back-off between attempts against a failing dependency
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** After the file was handled: into .done/ (the service moves it, so no link in the inbox is followed). */
    public void moveDone(Exchange exchange) throws IOException {
        outputs.move(name(exchange), ".done");
    }

    /** After the file could not be handled: into .failed/, beside its reason. */
    public void moveFailed(Exchange exchange) throws IOException {
        outputs.move(name(exchange), ".failed");
    }

    /** Called for a file whose content was processed before: it is moved to .done/ untouched. */
    public void duplicate(Exchange exchange) {
        LOG.info("Inbox file {} has the content of a file already processed; not processed again", name(exchange));
        metrics.inboxFile("duplicate");
    }

    private static String name(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
    }

    private static Path file(Exchange exchange) {
        return Path.of(exchange.getMessage().getHeader("CamelFileAbsolutePath", String.class));
    }
}
