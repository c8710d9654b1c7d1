package io.sessionpresence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service in a process of its own, for what a test cannot do to a service in its own JVM: a
 * heap of a given size, a file descriptor limit, a signal, the image's launcher. Configured
 * through environment variables, as in production. Its output goes to a file (a pipe would close
 * when the process is signalled, before the stop's own lines); the port is read from the
 * service's "listening on port" line. {@link #close} stops it forcibly and deletes the file.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("session-presence listening on port (\\d+)");
    /** What {@link #java} starts with unless the test's environment says otherwise. */
    private static final Map<String, String> DEFAULTS = Map.of("PORT", "0", "HOST", "127.0.0.1", "STORE", "memory",
            "ADMIN_TOKEN", "service-process-admin-token-0123456789abcdef");

    private final Process process;
    private final Path output;
    private final int port;

    private ServiceProcess(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /**
     * {@code io.sessionpresence.Main} on this JVM's java and the test class path, with
     * {@code jvmOptions}, the memory store on a free local port unless {@code env} says otherwise.
     */
    public static ServiceProcess java(List<String> jvmOptions, Map<String, String> env) {
        return start(javaCommand(jvmOptions), withDefaults(env));
    }

    /** As {@link #java}, under a file descriptor limit of {@code openFiles} ({@code ulimit -n}). */
    public static ServiceProcess java(int openFiles, List<String> jvmOptions, Map<String, String> env) {
        StringBuilder shell = new StringBuilder("ulimit -n " + openFiles + " && exec");
        javaCommand(jvmOptions).forEach(word -> shell.append(" '").append(word.replace("'", "'\\''")).append('\''));
        return start(List.of("bash", "-c", shell.toString()), withDefaults(env));
    }

    private static List<String> javaCommand(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        // Surefire may run tests from a manifest-only jar; this property is then the real class path.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        command.addAll(List.of("-cp", classpath, "io.sessionpresence.Main"));
        return command;
    }

    private static Map<String, String> withDefaults(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(DEFAULTS);
        all.putAll(env);
        return all;
    }

    /** Runs {@code command} (a launcher that starts the service) and waits until it listens (60 s at most). */
    public static ServiceProcess start(List<String> command, Map<String, String> env) {
        try {
            Path output = Files.createTempFile("service-process", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            return new ServiceProcess(process, output, awaitPort(process, output));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int awaitPort(Process process, Path output) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher listening = LISTENING.matcher(Files.readString(output));
            if (listening.find()) {
                return Integer.parseInt(listening.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + ":\n"
                        + Files.readString(output));
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("the service did not start within 60 s:\n" + Files.readString(output));
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Its exit status, waiting at most {@code limit}; empty while it still runs. */
    public OptionalInt exitStatus(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    /** Everything it wrote so far. */
    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What it wrote so far, line by line. */
    public List<String> log() {
        return output().lines().toList();
    }

    /** Resident set size, from {@code /proc}. */
    public long rssKiB() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Open file descriptors of the process now. */
    public long openFiles() throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return fds.count();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
