package io.onboarding.inbound;

import io.onboarding.kit.Refusal;
import io.onboarding.kit.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.SQLException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import io.onboarding.observe.OnboardingMetrics;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one batch file from the inbox, record by record, streaming: each record's outcome is a
 * line of {@code .results/<file>.result.ndjson} (written aside and renamed when complete), then the
 * file moves to {@code .done/}. A file that cannot be read at all, or is not a regular file of its own
 * (a link), goes to {@code .failed/} beside {@code <file>.reason.txt} and fails the exchange. With
 * several instances on one inbox, a file is handled by the one that claims it ({@link InboxFileClaims}).
 */
public final class InboxBatchFiles {

    private static final Logger LOG = LoggerFactory.getLogger(InboxBatchFiles.class);

    private final InboundRequests requests;
    private final InboxOutputs outputs;
    private final int maxRecordBytes;
    private final OnboardingMetrics metrics;
    private final InboxFileClaims claims;

    public InboxBatchFiles(InboundRequests requests, InboxFileClaims claims, Path inbox, int maxRecordBytes,
                           OnboardingMetrics metrics) {
        this.metrics = metrics;
        this.claims = claims;
        this.requests = requests;
        this.outputs = new InboxOutputs(inbox);
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Handles the file the consumer found, if this instance wins it: another instance sharing the
     * inbox may be handling the same file (or the same content under another name) at this moment,
     * or may have handled and moved it already; then this one leaves it alone (no report, no move).
     * Under the claim, in this order: the content's fingerprint; a duplicate is moved to .done/; else
     * each record is submitted, the report published, the content recorded as handled, the file moved
     * to .done/. A crash anywhere leaves the file in the inbox, claimed by no one: it is handled again
     * (records are idempotent) or, once recorded, moved as a duplicate.
     */
    public void handle(Exchange exchange) throws IOException, SQLException {
        String name = name(exchange);
        Path file = file(exchange);
        try (InboxFileClaims.Claim claim = claims.claimName(name)) {
            if (claim == null || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                LOG.debug("Inbox file {} is handled by another instance", name);
                return;
            }
            String fingerprint;
            try {
                // Not opened unless a regular file of its own: a FIFO's open would wait for ever.
                if (InboxFile.size(file) == 0) {
                    reportEmpty(name);
                    return;
                }
                fingerprint = fingerprint(file);
            } catch (UnreadableBatchFile e) {
                moveFailed(name, e.getMessage());
                throw e;
            }
            if (!claim.alsoContent(fingerprint)) {
                LOG.debug("Inbox file {} has the content of a file being handled elsewhere; looked at again later", name);
                return;
            }
            if (claims.handled(fingerprint)) {
                LOG.info("Inbox file {} has the content of a file already processed; not processed again", name);
                metrics.inboxFile("duplicate");
            } else {
                process(file, name, fingerprint);
                claims.markHandled(fingerprint);
            }
            outputs.move(name, ".done");
        }
    }

    /** SHA-256 of the file's content, read as a stream: the key that makes a repeated drop a no-op. */
    private static String fingerprint(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(InboxFile.open(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Every record submitted, the report published; a file that cannot be handled goes to .failed/. */
    private void process(Path file, String name, String fingerprint) throws IOException {
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
                    line.put("error", Refusal.validation("body", record.unreadable()).toBody());
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
            moveFailed(name, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            // Our own failure (database or secret store down) that outlasted the retries: records are
            // idempotent, so the file can simply be dropped again.
            moveFailed(name, "processing stopped after " + (accepted + refused) + " records: " + e.getMessage()
                    + "; the service could not handle the rest. Drop the file again to retry: records already"
                    + " accepted are not created twice.");
            throw e;
        }
        LOG.info("Inbox file {}: {} records accepted, {} refused", name, accepted, refused);
        metrics.inboxFile("processed");
    }

    /**
     * An empty file has no records: its report says so, and it moves to .done/. Its content is not
     * recorded as handled (every empty file has the same digest), so an empty file dropped again is
     * reported again.
     */
    private void reportEmpty(String name) throws IOException {
        LOG.info("Inbox file {} is empty", name);
        try (InboxOutputs.Draft draft = outputs.draft()) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("line", 1);
            line.put("error", Refusal.validation("file", "is empty (0 bytes): there are no records").toBody());
            draft.writer().write(Json.write(line) + System.lineSeparator());
            draft.publish(".results", name + ".result.ndjson");
        }
        outputs.move(name, ".done");
        metrics.inboxFile("empty");
    }

    /**
     * The file into .failed/, its reason beside it (the reason never quotes the file); moved by the
     * service, through directories opened without following links, so no link in the inbox is followed.
     */
    private void moveFailed(String name, String reason) throws IOException {
        LOG.warn("Inbox file {} moved to .failed: {}", name, reason);
        metrics.inboxFile("failed");
        try (InboxOutputs.Draft draft = outputs.draft()) {
            draft.writer().write(reason + System.lineSeparator());
            draft.publish(".failed", name + ".reason.txt");
        }
        outputs.move(name, ".failed");
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

    private static String name(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
    }

    private static Path file(Exchange exchange) {
        return Path.of(exchange.getMessage().getHeader("CamelFileAbsolutePath", String.class));
    }
}
