package io.onboarding.deploy;

import static io.onboarding.deploy.ComposeFile.DOCKER;
import static org.assertj.core.api.Assertions.assertThat;

import io.onboarding.deploy.DeploymentFilesTest.Result;
import io.onboarding.support.QuickTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack's shell scripts, run for real: docker/secrets/generate.sh in a copy, and
 * docker/vault/init.sh against a stand-in vault CLI (src/test/resources/deploy/fake-vault.sh) through
 * a first start, a second start, a Vault restart and a lost secret_id.
 */
@QuickTest
class DeploymentScriptsTest {

    @Test
    void everyScriptParses() throws Exception {
        List<Path> scripts;
        try (Stream<Path> files = Files.walk(DOCKER)) {
            scripts = files.filter(file -> file.toString().endsWith(".sh")).sorted().toList();
        }
        assertThat(scripts).hasSizeGreaterThanOrEqualTo(4);
        for (Path script : scripts) {
            String shell = Files.readAllLines(script).get(0).endsWith("bash") ? "bash" : "sh";
            assertThat(Files.readAllLines(script).get(0)).as(script + " shebang").startsWith("#!/bin/");
            Result syntax = DeploymentFilesTest.run(List.of(shell, "-n", script.toString()));
            assertThat(syntax.exitCode()).as(script + ": " + syntax.output()).isZero();
        }
    }

    /** docker/smoke-test (run for real by .ci/run, with podman) is an executable bash script that parses. */
    @Test
    void theSmokeTestIsAnExecutableBashScript() throws Exception {
        Path smokeTest = DOCKER.resolve("smoke-test");
        assertThat(Files.readAllLines(smokeTest).get(0)).isEqualTo("#!/usr/bin/env bash");
        assertThat(Files.isExecutable(smokeTest)).isTrue();
        Result syntax = DeploymentFilesTest.run(List.of("bash", "-n", smokeTest.toString()));
        assertThat(syntax.exitCode()).as(syntax.output()).isZero();
    }

    @Test
    void generateMakesEverySecretOnceReadableByContainersAndIgnoredByGit(@TempDir Path copy) throws Exception {
        Files.copy(DOCKER.resolve("secrets/generate.sh"), copy.resolve("generate.sh"));
        assertThat(DeploymentFilesTest.run(List.of("sh", copy.resolve("generate.sh").toString())).exitCode()).isZero();

        Set<String> names = new TreeSet<>();
        ComposeFile.read().root.get("secrets").fieldNames().forEachRemaining(names::add);
        Map<String, String> first = new HashMap<>();
        for (String name : names) {
            Path secret = copy.resolve(name);
            first.put(name, Files.readString(secret));
            assertThat(first.get(name)).as(name).matches("[0-9a-f]{64}");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-r--r--");
        }
        assertThat(new TreeSet<>(first.values())).as("all different").hasSameSizeAs(names);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rwx------");

        assertThat(DeploymentFilesTest.run(List.of("sh", copy.resolve("generate.sh").toString())).exitCode()).isZero();
        for (String name : names) {
            assertThat(Files.readString(copy.resolve(name))).as(name + " never overwritten").isEqualTo(first.get(name));
            Result ignored = DeploymentFilesTest.run(List.of("git", "check-ignore", "-q", "docker/secrets/" + name));
            assertThat(ignored.exitCode()).as("git ignores docker/secrets/" + name).isZero();
        }
        assertThat(DeploymentFilesTest.run(List.of("git", "check-ignore", "-q", "docker/secrets/generate.sh"))
                .exitCode()).isEqualTo(1);
    }

    @Test
    void vaultInitInitialisesOnceUnsealsAfterRestartsAndHandsTheServiceItsSecretId(@TempDir Path dir)
            throws Exception {
        VaultInit vault = new VaultInit(dir);

        // First start: initialised, unsealed, configured, a secret_id for the service.
        Result first = vault.run();
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(vault.keys.resolve("unseal-key")).hasContent("dW5zZWFsLWtleQ==");
        assertThat(vault.keys.resolve("root-token")).hasContent("hvs.fake-root-token");
        assertThat(vault.keys.resolve("init.json")).doesNotExist();
        for (String file : List.of("unseal-key", "root-token")) {
            assertThat(mode(vault.keys.resolve(file))).as(file).isEqualTo("rw-------");
        }
        assertThat(mode(vault.keys)).isEqualTo("rwx------");
        Path secretId = vault.approle.resolve("secret-id");
        assertThat(secretId).hasContent("secret-id-1");
        assertThat(mode(secretId)).isEqualTo("r--------");
        assertThat(Files.getAttribute(secretId, "unix:uid")).isEqualTo(vault.uid);
        assertThat(vault.state.resolve("kv")).exists();
        assertThat(vault.state.resolve("approle")).exists();
        assertThat(vault.state.resolve("role-id")).hasContent("tenant-onboarding");
        assertThat(Files.readString(vault.state.resolve("role"))).contains("token_policies=tenant-onboarding",
                "secret_id_ttl=0");
        assertThat(vault.state.resolve("policy-tenant-onboarding"))
                .hasSameTextualContentAs(DOCKER.resolve("vault/tenant-onboarding-policy.hcl"));

        // Second start, Vault still up: nothing initialised, unsealed, enabled or issued again.
        Result second = vault.run();
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(vault.callsOfLastRun()).noneMatch(call -> call.startsWith("operator")
                || call.contains("enable") || call.endsWith("/secret-id"));
        assertThat(secretId).hasContent("secret-id-1");

        // Vault restarted (sealed): unsealed with the kept key, the secret_id kept.
        Files.delete(vault.state.resolve("unsealed"));
        Result third = vault.run();
        assertThat(third.exitCode()).as(third.output()).isZero();
        assertThat(vault.callsOfLastRun()).contains("operator unseal dW5zZWFsLWtleQ==")
                .noneMatch(call -> call.startsWith("operator init"));
        assertThat(secretId).hasContent("secret-id-1");

        // A secret_id that no longer logs in (Vault's data replaced) is replaced.
        Files.delete(vault.state.resolve("secret-ids"));
        Result fourth = vault.run();
        assertThat(fourth.exitCode()).as(fourth.output()).isZero();
        assertThat(vault.callsOfLastRun()).anyMatch(call -> call.endsWith("/secret-id"));
        assertThat(Files.readString(vault.state.resolve("secret-ids")).strip()).isEqualTo(Files.readString(secretId).strip());

        // A Vault that never answers: the job fails, saying so.
        Files.writeString(vault.state.resolve("down"), "");
        Result unreachable = vault.run();
        assertThat(unreachable.exitCode()).isNotZero();
        assertThat(unreachable.output()).contains("gave no usable status");
    }

    /** docker/vault/init.sh with the fake vault CLI first on its PATH and its directories in a temp dir. */
    private static final class VaultInit {
        final Path keys;
        final Path approle;
        final Path state;
        final Path bin;
        final Object uid;
        private int callsBefore;

        VaultInit(Path dir) throws IOException {
            keys = Files.createDirectory(dir.resolve("keys"));
            approle = Files.createDirectory(dir.resolve("approle"));
            state = Files.createDirectory(dir.resolve("state"));
            bin = Files.createDirectory(dir.resolve("bin"));
            try (InputStream fake = getClass().getResourceAsStream("/deploy/fake-vault.sh")) {
                Files.copy(fake, bin.resolve("vault"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(bin.resolve("vault"), PosixFilePermissions.fromString("rwxr-xr-x"));
            uid = Files.getAttribute(keys, "unix:uid");
        }

        Result run() throws Exception {
            callsBefore = calls().size();
            ProcessBuilder builder = new ProcessBuilder("sh", DOCKER.resolve("vault/init.sh").toString())
                    .redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            env.put("PATH", bin + ":" + env.get("PATH"));
            env.put("VAULT_ADDR", "http://vault:8200");
            env.put("VAULT_ROLE_ID", "tenant-onboarding");
            env.put("SERVICE_UID", uid.toString());
            env.put("SERVICE_GID", Files.getAttribute(keys, "unix:gid").toString());
            env.put("KEYS_DIR", keys.toString());
            env.put("APPROLE_DIR", approle.toString());
            env.put("POLICY_FILE", DOCKER.resolve("vault/tenant-onboarding-policy.hcl").toString());
            env.put("WAIT_SECONDS", "2");
            env.put("FAKE_VAULT_STATE", state.toString());
            env.remove("VAULT_TOKEN");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Result(process.exitValue(), output);
        }

        List<String> calls() throws IOException {
            Path calls = state.resolve("calls");
            return Files.exists(calls) ? Files.readAllLines(calls) : new ArrayList<>();
        }

        List<String> callsOfLastRun() throws IOException {
            List<String> calls = calls();
            return calls.subList(callsBefore, calls.size());
        }
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** Copies a directory tree (docker/, for docker compose config on a copy). */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
