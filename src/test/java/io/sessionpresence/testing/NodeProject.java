package io.sessionpresence.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Node test project under {@code src/test/} (its own package.json and package-lock.json), run
 * with {@code node --test} or its own {@code npm test} against the service. {@code .ci/run} installs Node and runs
 * {@code npm ci} for each project; {@link #installIfMissing} does it too when a developer has not.
 *
 * @param dir            the project directory
 * @param marker         a package whose presence in node_modules means the install was done
 * @param timeoutSeconds how long one run may take before it is killed
 */
public record NodeProject(Path dir, String marker, long timeoutSeconds) {

    /** Runs {@code npm ci} unless {@code node_modules/<marker>} is there. */
    public void installIfMissing() throws IOException, InterruptedException {
        if (Files.isDirectory(dir.resolve("node_modules").resolve(marker))) {
            return;
        }
        Path log = Path.of("target", "npm-ci-" + dir.getFileName() + ".log");
        int exit = run(log, Map.of(), "npm", "ci", "--no-audit", "--no-fund");
        assertEquals(0, exit, "npm ci in " + dir + " failed:\n" + Files.readString(log));
    }

    /**
     * Runs {@code node --test [files]} with these environment variables; the output goes to
     * {@code log}. Fails the calling test, with the output, when a test fails.
     */
    public void test(Path log, Map<String, String> env, String... files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", "--test", "--test-concurrency=1"));
        command.addAll(List.of(files));
        succeed(log, env, command.toArray(String[]::new));
    }

    /** Runs the project's {@code npm test} script, like {@link #test}. */
    public void npmTest(Path log, Map<String, String> env) throws IOException, InterruptedException {
        succeed(log, env, "npm", "test", "--silent");
    }

    private void succeed(Path log, Map<String, String> env, String... command) throws IOException, InterruptedException {
        int exit = run(log, env, command);
        assertEquals(0, exit, String.join(" ", command) + " in " + dir + " failed (log: " + log + "):\n"
                + Files.readString(log));
    }

    private int run(Path log, Map<String, String> env, String... command) throws IOException, InterruptedException {
        assertTrue(Executables.onPath(command[0]).isPresent(), "'" + command[0] + "' is not on PATH: these tests need "
                + "Node.js 20+ and npm (Debian: apt-get install nodejs npm; .ci/run installs them)");
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(List.of(command))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds
                    + " s:\n" + Files.readString(log));
        }
        return process.exitValue();
    }
}
