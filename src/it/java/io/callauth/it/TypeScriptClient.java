package io.callauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.fail;

/**
 * The TypeScript client generated from the published document (openapi-generator {@code typescript-fetch}, see
 * pom.xml) and the script that drives it ({@code src/it/typescript/smoke.ts}), compiled and run on the machine's
 * Node.js. Built in {@code target/ts-client-it}: the generated client is copied to {@code client/}, the pinned
 * TypeScript compiler is installed there from npm (its cache serves a second run offline), {@code tsc} compiles, and
 * each {@link #run} is one {@code node dist/smoke.js <command>} whose one line of JSON is the answer.
 * <p>
 * Node.js and npm are required, not optional: without them this fails, saying so, instead of skipping.
 */
final class TypeScriptClient {

    static final Path SOURCES = Path.of("src/it/typescript");
    static final Path GENERATED = Path.of("target/generated-test-sources/openapi-ts-client");
    static final Path DIR = Path.of("target/ts-client-it");

    private final Map<String, String> env;

    private TypeScriptClient(Map<String, String> env) {
        this.env = env;
    }

    /** checks Node and npm, lays out {@link #DIR}, installs TypeScript and compiles */
    static TypeScriptClient build(Map<String, String> env) throws Exception {
        String node = version("node");
        String npm = version("npm");
        if (node == null || npm == null) {
            fail("GeneratedClientIT needs Node.js 18 or newer and npm on the PATH to compile and run the generated "
                    + "TypeScript client (found node: " + node + ", npm: " + npm + "). Install them, e.g. "
                    + "`apt-get install nodejs npm`, and run again.");
        }
        if (Integer.parseInt(node.replaceFirst("^v", "").split("\\.")[0]) < 18) {
            fail("GeneratedClientIT needs Node.js 18 or newer (the generated client uses the platform's fetch); "
                    + "found " + node);
        }
        if (!Files.isDirectory(GENERATED)) {
            fail(GENERATED + " is missing: the TypeScript client is generated at package (openapi-generator, "
                    + "execution generated-ts-client); run ./mvnw verify");
        }
        deleteTree(DIR.resolve("client"));
        deleteTree(DIR.resolve("dist"));
        Files.createDirectories(DIR);
        for (String f : List.of("package.json", "tsconfig.json", "smoke.ts")) {
            Files.copy(SOURCES.resolve(f), DIR.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        copyTree(GENERATED, DIR.resolve("client"));
        if (!Files.exists(DIR.resolve("node_modules/typescript/bin/tsc"))) {
            exec(List.of("npm", "install", "--no-audit", "--no-fund", "--no-package-lock", "--prefer-offline"),
                    Map.of(), 300);
        }
        exec(List.of("node", "node_modules/typescript/bin/tsc", "-p", "."), Map.of(), 300);
        return new TypeScriptClient(env);
    }

    /** runs {@code node dist/smoke.js args...} and answers the JSON it printed */
    JsonNode run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "dist/smoke.js"));
        command.addAll(List.of(args));
        String out = exec(command, env, 60);
        String[] lines = out.strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static String version(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? v : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    /** runs a command in {@link #DIR}; its stdout, or a failure with both streams */
    private static String exec(List<String> command, Map<String, String> env, int timeoutSeconds) throws Exception {
        Path out = Files.createTempFile("ts-client-it", ".out");
        Path err = Files.createTempFile("ts-client-it", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(DIR.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s\nstderr:\n"
                        + Files.readString(err));
            }
            if (p.exitValue() != 0) {
                fail(String.join(" ", command) + " exited with " + p.exitValue() + "\nstdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
