package io.onboarding.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.support.QuickTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation stands alone: README.md and docs/*.md link only inside the repository (no
 * http(s) link but to localhost, no path above the repository root), and every relative link
 * reaches a file, and a heading, that exists. No service is started.
 */
@QuickTest
class DocsLinksTest {

    /**
     * Documents other branches add to docs/ (linked from README.md and docs/index.md before they
     * arrive). Once merged each exists and is checked like any other: remove it from this list then.
     */
    private static final Set<String> ADDED_BY_OTHER_BRANCHES = Set.of(
            "docs/faults.md");      // fault behaviour and tests (faults)

    @TempDir
    Path planted;

    @Test
    void theReadmeAndDocsLinkOnlyToFilesAndHeadingsInsideTheRepository() {
        DocsLinks links = new DocsLinks(Path.of(""), ADDED_BY_OTHER_BRANCHES);
        assertThat(links.documents()).extracting(path -> path.getFileName().toString())
                .contains("README.md", "index.md", "contract.md", "configuration.md", "operations.md");
        assertThat(links.problems()).isEmpty();
    }

    @Test
    void everyKindOfLinkLeavingTheRepositoryOrGoingNowhereIsReported() throws IOException {
        Files.createDirectories(planted.resolve("docs"));
        Files.writeString(planted.resolve("docs/there.md"), "# There\n\n## A `code` heading, with (punctuation)\n");
        Files.writeString(planted.resolve("README.md"), String.join("\n",
                "# Planted",
                "[fine](docs/there.md#a-code-heading-with-punctuation) and [anchor](#planted) and",
                "[expected](docs/api.md) and http://localhost:8080/ and `curl http://127.0.0.1:8080/observe/health`",
                "[web](https://example.com/page) and a bare http://example.org/x and www.example.net",
                "see ../shared/CONTRACT.md",
                "[up](../outside.md) and [missing](docs/missing.md) and [heading](docs/there.md#nowhere)",
                "[mail](mailto:someone@example.com) and [rooted](/docs/there.md) and [self](#nowhere)",
                "```",
                "[in code](docs/also-missing.md) is not a link, but https://example.com/in-code is",
                "```",
                "`[in a span](docs/also-missing.md)` is not a link either"));
        Files.writeString(planted.resolve("docs/index.md"), "[back](../README.md) and ../../escape.md\n");

        List<String> problems = new DocsLinks(planted, Set.of("docs/api.md")).problems();

        assertThat(problems).containsExactlyInAnyOrder(
                "README.md:4: links outside the repository: https://example.com",
                "README.md:4: links outside the repository: http://example.org",
                "README.md:4: links outside the repository: www.example.net",
                "README.md:5: path leaves the repository: ../shared/CONTRACT.md",
                "README.md:6: path leaves the repository: ../outside.md",
                "README.md:6: link leaves the repository: ../outside.md",
                "README.md:6: link to a file that does not exist: docs/missing.md",
                "README.md:6: link to a heading that does not exist: docs/there.md#nowhere",
                "README.md:7: links outside the repository: mailto:someone@example.com",
                "README.md:7: absolute link (use a path relative to the document): /docs/there.md",
                "README.md:7: link to a heading that does not exist: #nowhere",
                "README.md:9: links outside the repository: https://example.com",
                "docs/index.md:1: path leaves the repository: ../../escape.md");
    }

    @Test
    void headingsGetGitHubsAnchors() {
        assertThat(DocsLinks.slug("5. Secret paths (Vault KV v2 or the local store, same layout)"))
                .isEqualTo("5-secret-paths-vault-kv-v2-or-the-local-store-same-layout");
        assertThat(DocsLinks.slug("Backing up the service's own state")).isEqualTo("backing-up-the-services-own-state");
        assertThat(DocsLinks.slug("`step:NAME` and [links](x.md)")).isEqualTo("stepname-and-links");
    }
}
