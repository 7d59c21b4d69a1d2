package io.onboarding.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onboarding.support.Catalog;
import io.onboarding.support.LogCapture;
import io.onboarding.support.RunningService;
import io.onboarding.tenant.TenantNaming;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batch files dropped in a real inbox directory, checked in the reports and in PostgreSQL. */
class InboxBatchFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RECORD_BYTES = 256 * 1024;
    private static Path inbox;
    private static RunningService service;
    private static Catalog catalog;

    @BeforeAll
    static void start() throws Exception {
        inbox = Files.createTempDirectory("inbox");
        // A file is read once it has been still for 2.5 s: well over the slow writer's pauses below (1 s), so
        // that a test thread held up on a busy machine does not make a pause look like the end of the copy.
        service = RunningService.start("platform_inbox_test", Map.of("onboarding.inbox-dir", inbox.toString(),
                "onboarding.inbox.poll-interval-ms", "200", "onboarding.inbox.read-lock-check-ms", "500",
                "onboarding.inbox.read-lock-min-age-ms", "2500",
                // Room for a record of 20,000 short fields; the 3.5 MB line of the finding is still over.
                "onboarding.inbox.max-record-bytes", Integer.toString(MAX_RECORD_BYTES)));
        catalog = service.catalog();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Waits for the file's report, then returns its lines. */
    private static List<JsonNode> report(String file) throws Exception {
        Path report = inbox.resolve(".results").resolve(file + ".result.ndjson");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(report)
                && Files.exists(inbox.resolve(".done").resolve(file)));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(report)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static String tenantStatus(String tenantId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> !List.of("provisioning").equals(
                catalog.platform("SELECT status FROM tenants WHERE tenant_id = ?::uuid", tenantId)));
        return catalog.platform("SELECT status FROM tenants WHERE tenant_id = ?::uuid", tenantId).get(0);
    }

    private static void assertMixedBatch(List<JsonNode> report, int validLine, int invalidLine, int duplicateLine,
                                         String invalidField) {
        JsonNode valid = report.stream().filter(l -> l.get("line").asInt() == validLine).findFirst().orElseThrow();
        assertThat(valid.has("error")).as(valid.toString()).isFalse();
        String tenantId = valid.get("tenant_id").asText();
        assertThat(valid.get("operation_id").asText()).isNotEmpty();
        assertThat(tenantStatus(tenantId)).isEqualTo("active");
        assertThat(catalog.databaseExists(TenantNaming.databaseName(UUID.fromString(tenantId)))).isTrue();

        JsonNode invalid = report.stream().filter(l -> l.get("line").asInt() == invalidLine).findFirst().orElseThrow();
        assertThat(invalid.get("error").get("code").asText()).isEqualTo("validation_failed");
        assertThat(invalid.get("error").get("details").toString()).contains("\"" + invalidField + "\"");
        assertThat(invalid.has("tenant_id")).isFalse();

        JsonNode duplicate = report.stream().filter(l -> l.get("line").asInt() == duplicateLine).findFirst().orElseThrow();
        assertThat(duplicate.get("error").get("code").asText()).isEqualTo("conflict");
    }

    @Test
    void ndjsonBatchWithValidInvalidAndDuplicateRecords() throws Exception {
        String name = "Nd " + unique();
        Files.writeString(inbox.resolve("mixed.ndjson"), String.join("\n",
                "{\"tenant_name\":\"" + name + "\",\"plan\":\"free\",\"region\":\"local\"}",
                "",
                "{\"tenant_name\":\"Other " + unique() + "\",\"plan\":\"gold\",\"region\":\"local\"}",
                "{\"tenant_name\":\"" + name + "\",\"plan\":\"standard\",\"region\":\"local\"}",
                "{broken"));
        List<JsonNode> report = report("mixed.ndjson");
        assertThat(report).extracting(l -> l.get("line").asInt()).containsExactly(1, 3, 4, 5);
        assertMixedBatch(report, 1, 3, 4, "plan");
        assertThat(report.get(3).get("error").get("message").asText()).isNotEmpty();
    }

    @Test
    void jsonArrayBatch() throws Exception {
        String name = "Js " + unique();
        Files.writeString(inbox.resolve("mixed.json"), """
                [
                  {"tenant_name": "%s", "plan": "enterprise", "region": "us-east-1",
                   "backup_policy": {"retention_days": 14}},
                  {"tenant_name": "Bad %s", "plan": "free", "region": "local", "backup_policy": {"backup_type": "incremental"}},
                  {"tenant_name": "%s", "plan": "free", "region": "local"}
                ]""".formatted(name, unique(), name));
        List<JsonNode> report = report("mixed.json");
        assertThat(report).extracting(l -> l.get("line").asInt()).containsExactly(2, 4, 5);
        assertMixedBatch(report, 2, 4, 5, "backup_policy.backup_type");
        String tenantId = report.get(0).get("tenant_id").asText();
        assertThat(catalog.platform("SELECT backup_policy->>'retention_days' FROM tenants WHERE tenant_id = ?::uuid",
                tenantId)).containsExactly("14");
    }

    @Test
    void csvBatchWithDottedColumns() throws Exception {
        String name = "Csv " + unique();
        Files.writeString(inbox.resolve("mixed.csv"), String.join("\n",
                "tenant_name,plan,region,backup_policy.schedule,backup_policy.retention_days",
                name + ",standard,eu-west-1,0 4 * * *,21",
                "Csv bad " + unique() + ",standard,eu-west-1,whenever,21",
                name + ",free,local,,"));
        List<JsonNode> report = report("mixed.csv");
        assertThat(report).extracting(l -> l.get("line").asInt()).containsExactly(2, 3, 4);
        assertMixedBatch(report, 2, 3, 4, "backup_policy.schedule");
        String tenantId = report.get(0).get("tenant_id").asText();
        assertThat(catalog.platform("SELECT backup_policy->>'schedule' || '/' || (backup_policy->>'retention_days')"
                + " FROM tenants WHERE tenant_id = ?::uuid", tenantId)).containsExactly("0 4 * * */21");
    }

    @Test
    void aFileCopiedInSlowlyIsReadOnlyWhenComplete() throws Exception {
        String first = "{\"tenant_name\":\"Slow " + unique() + "\",\"plan\":\"free\",\"region\":\"local\"}\n";
        String second = "{\"tenant_name\":\"Slower " + unique() + "\",\"plan\":\"free\",\"region\":\"local\"}\n";
        Path file = inbox.resolve("slow.ndjson");
        try (OutputStream out = Files.newOutputStream(file)) {
            // A writer that pauses mid-record and mid-file, as a slow copy does.
            out.write(first.getBytes(StandardCharsets.UTF_8));
            out.write(second.substring(0, 20).getBytes(StandardCharsets.UTF_8));
            out.flush();
            // Paused for a second (two read-lock checks), the file left alone all the while.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(file) && !Files.exists(inbox.resolve(".results/slow.ndjson.result.ndjson")));
            out.write(second.substring(20, 40).getBytes(StandardCharsets.UTF_8));
            out.flush();
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(file) && !Files.exists(inbox.resolve(".results/slow.ndjson.result.ndjson")));
            out.write(second.substring(40).getBytes(StandardCharsets.UTF_8));
        }
        List<JsonNode> report = report("slow.ndjson");
        assertThat(report).hasSize(2);
        report.forEach(line -> assertThat(line.has("error")).as(line.toString()).isFalse());
    }

    @Test
    void theSameContentDroppedTwiceIsProcessedOnce() throws Exception {
        String content = "{\"tenant_name\":\"Twice " + unique() + "\",\"plan\":\"free\",\"region\":\"local\"}\n"
                + "{\"tenant_name\":\"Twice more " + unique() + "\",\"plan\":\"free\",\"region\":\"local\"}\n";
        Files.writeString(inbox.resolve("twice.ndjson"), content);
        List<JsonNode> first = report("twice.ndjson");
        String countTenants = "SELECT count(*) FROM tenants WHERE tenant_name LIKE 'Twice %'";
        String before = catalog.platform(countTenants).get(0);
        Path report = inbox.resolve(".results/twice.ndjson.result.ndjson");
        long reportTime = Files.getLastModifiedTime(report).toMillis();

        String duplicates = "onboarding_inbox_files_total{outcome=\"duplicate\"}";
        double duplicatesBefore = service.api().metric(duplicates);

        Files.delete(inbox.resolve(".done/twice.ndjson"));
        Files.writeString(inbox.resolve("again.ndjson"), content);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve(".done/again.ndjson")));
        // Counted as a duplicate (NaN before the first one: no series yet).
        assertThat(service.api().metric(duplicates)).isEqualTo(Double.isNaN(duplicatesBefore) ? 1.0 : duplicatesBefore + 1);
        assertThat(Files.exists(inbox.resolve(".results/again.ndjson.result.ndjson"))).isFalse();
        assertThat(catalog.platform(countTenants).get(0)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(report).toMillis()).isEqualTo(reportTime);
        assertThat(first).hasSize(2);
    }

    @Test
    void aFileThatCannotBeReadGoesToFailedWithAReason() throws Exception {
        Files.writeString(inbox.resolve("garbage.json"), "\"just a string\"");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve(".failed/garbage.json")));
        assertThat(Files.readString(inbox.resolve(".failed/garbage.json.reason.txt")))
                .contains("object or an array");
        assertThat(Files.exists(inbox.resolve(".results/garbage.json.result.ndjson"))).isFalse();
    }

    // --- the inbox is a directory others write to: links, parser messages, record sizes ---------

    /** The text of every report and reason the service wrote (links not followed). */
    private static String everythingWritten() throws Exception {
        StringBuilder text = new StringBuilder();
        for (String directory : List.of(".results", ".failed")) {
            Path dir = inbox.resolve(directory);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                        .filter(f -> f.toString().endsWith(".result.ndjson") || f.toString().endsWith(".reason.txt")).toList()) {
                    text.append(Files.readString(file, StandardCharsets.ISO_8859_1));
                }
            }
        }
        return text.toString();
    }

    /** A 0600 file outside the inbox that the dropper cannot read but the service could. */
    private static Path privateFile(String content) throws Exception {
        Path file = Files.createTempDirectory("outside").resolve("private.ndjson");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void aSymbolicLinkIsMovedToFailedWithoutReadingItsTarget() throws Exception {
        String secret = "s3cret" + unique();
        String content = "{\"tenant_name\":\"Link " + unique() + "\",\"plan\":\"free\",\"region\":\"local\",\""
                + secret + "\":1}\n";
        Path target = privateFile(content);
        String file = "link-" + unique() + ".ndjson";
        Files.createSymbolicLink(inbox.resolve(file), target);

        Path failed = inbox.resolve(".failed").resolve(file);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isSymbolicLink(failed)
                && Files.exists(inbox.resolve(".failed").resolve(file + ".reason.txt")));
        assertThat(Files.readSymbolicLink(failed)).isEqualTo(target); // the link moved, not its target
        assertRefusedUnread(file, "symbolic link", target, content, secret);
    }

    @Test
    void aHardLinkIsMovedToFailedWithoutBeingRead() throws Exception {
        String secret = "s3cret" + unique();
        String content = "{\"tenant_name\":\"Hard " + unique() + "\",\"plan\":\"free\",\"region\":\"local\",\""
                + secret + "\":1}\n";
        Path target = privateFile(content);
        String file = "hard-" + unique() + ".ndjson";
        Files.createLink(inbox.resolve(file), target);

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve(".failed").resolve(file))
                && Files.exists(inbox.resolve(".failed").resolve(file + ".reason.txt")));
        assertRefusedUnread(file, "hard link", target, content, secret);
    }

    /** The file was refused for {@code reason}, and its target neither changed nor read into any output. */
    private static void assertRefusedUnread(String file, String reason, Path target, String content, String secret)
            throws Exception {
        assertThat(Files.readString(inbox.resolve(".failed").resolve(file + ".reason.txt"))).contains(reason);
        assertThat(Files.exists(inbox.resolve(".results").resolve(file + ".result.ndjson"))).isFalse();
        assertThat(Files.readString(target)).isEqualTo(content);
        assertThat(everythingWritten()).doesNotContain(secret);
        assertThat(LogCapture.text()).doesNotContain(secret);
    }

    @Test
    void linksPlantedWhereReportsAreWrittenAreReplacedNotFollowed() throws Exception {
        String file = "planted-" + unique() + ".ndjson";
        Path victim = privateFile("precious\n");
        Path results = Files.createDirectories(inbox.resolve(".results"));
        Path failed = Files.createDirectories(inbox.resolve(".failed"));
        Path report = results.resolve(file + ".result.ndjson");
        Files.createSymbolicLink(results.resolve(file + ".result.ndjson.partial"), victim);
        Files.createSymbolicLink(report, victim);
        Files.createSymbolicLink(failed.resolve(file + ".reason.txt"), victim);

        Files.writeString(inbox.resolve(file), "{\"tenant_name\":\"Planted " + unique()
                + "\",\"plan\":\"gold\",\"region\":\"local\"}\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve(".done").resolve(file))
                && Files.isRegularFile(report, LinkOption.NOFOLLOW_LINKS));
        assertThat(Files.readString(victim)).isEqualTo("precious\n");
        List<String> lines = Files.readAllLines(report);
        assertThat(lines).hasSize(1);
        assertThat(JSON.readTree(lines.get(0)).get("error").get("details").toString()).contains("\"plan\"");
    }

    @Test
    void linksPlantedAtDoneAndFailedAreReplacedNotFollowed() throws Exception {
        Path elsewhere = Files.createTempDirectory("elsewhere");
        for (String directory : List.of(".done", ".failed")) {
            Path real = inbox.resolve(directory);
            if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(real, inbox.resolve(directory + "-kept-" + unique()));
            }
            Files.createSymbolicLink(real, elsewhere);
        }
        String handled = "done-link-" + unique() + ".ndjson";
        String unreadable = "failed-link-" + unique() + ".json";
        Files.writeString(inbox.resolve(handled), "{\"tenant_name\":\"Linked " + unique()
                + "\",\"plan\":\"gold\",\"region\":\"local\"}\n");
        Files.writeString(inbox.resolve(unreadable), "\"just a string\"");

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(inbox.resolve(".done").resolve(handled),
                LinkOption.NOFOLLOW_LINKS) && Files.isRegularFile(inbox.resolve(".failed").resolve(unreadable),
                LinkOption.NOFOLLOW_LINKS));
        assertThat(Files.isSymbolicLink(inbox.resolve(".done"))).isFalse();
        assertThat(Files.isSymbolicLink(inbox.resolve(".failed"))).isFalse();
        try (var written = Files.list(elsewhere)) {
            assertThat(written).as("nothing written through the planted links").isEmpty();
        }
    }

    /** A FIFO and empty files report what they are and hold up nothing behind them. */
    @Test
    void aFifoAndEmptyFilesAreReportedWithoutHoldingUpTheFilesBehindThem() throws Exception {
        // The test never opens the FIFO's other end: a service that opened it would wait for ever for a
        // writer, and so would the valid files below.
        String fifo = "pipe-" + unique() + ".ndjson";
        Process mkfifo = new ProcessBuilder("mkfifo", inbox.resolve(fifo).toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        String emptyCsv = "empty-" + unique() + ".csv";
        String emptyJson = "empty-" + unique() + ".json";
        Files.createFile(inbox.resolve(emptyCsv));
        Files.createFile(inbox.resolve(emptyJson));
        String valid = "after-pipe-" + unique() + ".ndjson";
        Files.writeString(inbox.resolve(valid), "{\"tenant_name\":\"After pipe " + unique()
                + "\",\"plan\":\"free\",\"region\":\"local\"}\n");

        assertThat(report(valid)).singleElement().satisfies(line -> assertThat(line.has("error")).isFalse());
        Path failedFifo = inbox.resolve(".failed").resolve(fifo);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(failedFifo, LinkOption.NOFOLLOW_LINKS)
                && Files.exists(inbox.resolve(".failed").resolve(fifo + ".reason.txt")));
        assertThat(Files.isRegularFile(failedFifo, LinkOption.NOFOLLOW_LINKS)).isFalse(); // the FIFO itself moved
        assertThat(Files.readString(inbox.resolve(".failed").resolve(fifo + ".reason.txt")))
                .contains(fifo + " is not a regular file").contains("not read");
        assertThat(Files.exists(inbox.resolve(".results").resolve(fifo + ".result.ndjson"))).isFalse();
        // Both empty files reported as empty (they have the same digest: neither is taken for the other).
        for (String empty : List.of(emptyCsv, emptyJson)) {
            assertThat(report(empty)).singleElement().satisfies(line -> {
                assertThat(line.at("/error/details/0/field").asText()).isEqualTo("file");
                assertThat(line.at("/error/details/0/message").asText()).contains("is empty");
            });
        }

        // The inbox goes on: a file dropped after the FIFO was dealt with is processed too.
        String next = "after-pipe-" + unique() + ".ndjson";
        Files.writeString(inbox.resolve(next), "{\"tenant_name\":\"After pipe " + unique()
                + "\",\"plan\":\"free\",\"region\":\"local\"}\n");
        assertThat(report(next)).singleElement().satisfies(line -> assertThat(line.has("error")).isFalse());
    }

    /** A CSV header column that names no field is refused by its position, never as our own failure. */
    @Test
    void csvHeadersThatNameNoFieldAreRefusedNamingTheColumn() throws Exception {
        Map<String, String> files = Map.of(
                "dot-" + unique() + ".csv", ".,plan,region\nx,free,local\n",
                "blank-" + unique() + ".csv", "tenant_name,,region\nx,free,local\n",
                "twice-" + unique() + ".csv", "tenant_name,plan,plan\nx,free,free\n",
                "dots-" + unique() + ".csv", "tenant_name,backup_policy..schedule,region\nx,0 4 * * *,local\n",
                "nested-" + unique() + ".csv", "tenant_name,backup_policy,backup_policy.schedule\nx,y,0 4 * * *\n");
        Map<String, String> expected = Map.of(
                "dot", "column 1 (\".\") of the header is not a field name",
                "blank", "column 2 of the header has no name",
                "twice", "column 3 (\"plan\") of the header repeats column 2",
                "dots", "column 2 (\"backup_policy..schedule\") of the header is not a field name",
                "nested", "column 2 (\"backup_policy\") of the header is a field, and column 3 puts a field inside it");
        files.forEach((file, content) -> {
            try {
                Files.writeString(inbox.resolve(file), content);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        for (String file : files.keySet()) {
            Path reason = inbox.resolve(".failed").resolve(file + ".reason.txt");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inbox.resolve(".failed").resolve(file))
                    && Files.exists(reason));
            assertThat(Files.readString(reason)).as(file)
                    .contains(file + " cannot be read: " + expected.get(file.substring(0, file.indexOf('-'))))
                    .doesNotContain("could not handle");
        }
        assertThat(LogCapture.text()).doesNotContain("ArrayIndexOutOfBounds");
    }

    @Test
    void parserErrorsTellThePositionButNeverTheContent() throws Exception {
        String marker = "MARKER" + unique();
        String unreadable = "unparsable-" + unique() + ".json";
        String broken = "broken-" + unique() + ".json";
        String csv = "broken-" + unique() + ".csv";
        Files.writeString(inbox.resolve(unreadable), marker + " {\"tenant_name\": 1}");
        Files.writeString(inbox.resolve(broken), "[{\"tenant_name\":\"B " + unique()
                + "\",\"plan\":\"gold\",\"region\":\"local\"},\n {\"tenant_name\": " + marker + "}]");
        Files.writeString(inbox.resolve(csv), "tenant_name,plan,region\n\"a\"" + marker + ",free,local\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve(".failed").resolve(unreadable)));
        assertThat(Files.readString(inbox.resolve(".failed").resolve(unreadable + ".reason.txt")))
                .contains("line 1, column");
        List<JsonNode> brokenReport = report(broken);
        assertThat(brokenReport).hasSize(2);
        assertThat(brokenReport.get(1).get("error").toString()).contains("malformed JSON").contains("line 2, column");
        List<JsonNode> csvReport = report(csv);
        assertThat(csvReport.get(0).get("error").toString()).contains("malformed CSV at line 2");
        assertThat(everythingWritten()).doesNotContain(marker);
        assertThat(LogCapture.text()).doesNotContain(marker);
    }

    @Test
    void recordsAndTheirErrorsAreBoundedInSize() throws Exception {
        StringBuilder wide = new StringBuilder("{\"tenant_name\":\"Wide " + unique() + "\",\"plan\":\"free\",\"region\":\"local\"");
        for (int i = 0; i < 20_000; i++) {
            wide.append(",\"f").append(i).append("\":1");
        }
        String huge = "{\"tenant_name\":\"" + "x".repeat(3_500_000) + "\"}";
        String file = "big-" + unique() + ".ndjson";
        Files.writeString(inbox.resolve(file), wide + "}\n" + huge + "\n{\"plan\":\"gold\"}\n");
        // .json: a record over the limit is skipped; a single value over it ends the file's reading.
        String jsonFile = "big-" + unique() + ".json";
        String wider = wide.toString().replace("\"f", "\"field_");
        Files.writeString(inbox.resolve(jsonFile), "[\n" + wider + "},\n{\"plan\":\"gold\"},\n" + huge + "]");
        String csvFile = "big-" + unique() + ".csv";
        Files.writeString(inbox.resolve(csvFile), "tenant_name,plan,region\n" + "y".repeat(3_500_000) + ",free,local\n");

        List<JsonNode> report = report(file);
        assertThat(Files.size(inbox.resolve(".results").resolve(file + ".result.ndjson"))).isLessThan(8 * 1024);
        assertThat(report).extracting(l -> l.get("line").asInt()).containsExactly(1, 2, 3);
        JsonNode wideError = report.get(0).get("error");
        assertThat(wideError.get("details")).hasSize(20);
        assertThat(wideError.get("message").asText()).contains("19980 more problems not listed");
        assertThat(report.get(1).get("error").toString()).contains("line 2 is longer than " + MAX_RECORD_BYTES);
        assertThat(report.get(2).get("error").get("details").toString()).contains("\"plan\"");

        List<JsonNode> jsonReport = report(jsonFile);
        assertThat(Files.size(inbox.resolve(".results").resolve(jsonFile + ".result.ndjson"))).isLessThan(2 * 1024);
        assertThat(jsonReport).extracting(l -> l.get("line").asInt()).containsExactly(2, 3, 4);
        assertThat(jsonReport.get(0).get("error").toString()).contains("line 2 is longer than " + MAX_RECORD_BYTES);
        assertThat(jsonReport.get(1).get("error").get("details").toString()).contains("\"plan\"");
        assertThat(jsonReport.get(2).get("error").toString()).contains("line 4 is longer than " + MAX_RECORD_BYTES);

        List<JsonNode> csvReport = report(csvFile);
        assertThat(Files.size(inbox.resolve(".results").resolve(csvFile + ".result.ndjson"))).isLessThan(2 * 1024);
        assertThat(csvReport.get(0).get("error").toString()).contains("line 2 is longer than " + MAX_RECORD_BYTES);
        // A quoted cell may span lines, each under the limit: the record as a whole is bounded too.
        String spanning = "spanning-" + unique() + ".csv";
        Files.writeString(inbox.resolve(spanning), "tenant_name,plan,region\n\"" + ("z".repeat(60_000) + "\n").repeat(10)
                + "\",free,local\n");
        List<JsonNode> spanningReport = report(spanning);
        assertThat(Files.size(inbox.resolve(".results").resolve(spanning + ".result.ndjson"))).isLessThan(2 * 1024);
        assertThat(spanningReport).hasSize(1);
        assertThat(spanningReport.get(0).get("error").toString()).contains("is longer than " + MAX_RECORD_BYTES);
    }

    @Test
    void largeFilesAreStreamedRecordByRecord() throws Exception {
        // 10,000 lines produced on demand: the reader must hand out the first record having read
        // only a little of the stream, not the whole of it.
        long[] served = {0};
        java.io.InputStream lazy = new java.io.InputStream() {
            private final byte[] line = "{\"tenant_name\":\"Big\",\"plan\":\"free\",\"region\":\"local\"}\n"
                    .getBytes(StandardCharsets.UTF_8);
            private int position;
            private int lines;

            @Override
            public int read() {
                if (lines == 10_000) {
                    return -1;
                }
                served[0]++;
                int b = line[position++];
                if (position == line.length) {
                    position = 0;
                    lines++;
                }
                return b;
            }
        };
        try (BatchFileRecords.Records records = BatchFileRecords.open("big.ndjson", lazy)) {
            assertThat(records.next().line()).isEqualTo(1);
            assertThat(served[0]).isLessThan(64 * 1024);
            long count = 1;
            while (records.hasNext()) {
                records.next();
                count++;
            }
            assertThat(count).isEqualTo(10_000);
        }
    }
}
