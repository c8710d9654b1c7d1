package io.sessionpresence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service in a process of its own, for what a test cannot do to a service in its own JVM: a
 * heap of a given size, a signal, a launcher of the image. Its output goes to a file; the port is
 * read from the service's "listening on port" line. {@link #close} stops it forcibly.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("session-presence listening on port (\\d+)");

    private final Process process;
    private final Path output;
    private final int port;

    private ServiceProcess(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /** {@code io.sessionpresence.Main} on this JVM's java and the test class path, with {@code jvmOptions}. */
    public static ServiceProcess java(List<String> jvmOptions, Map<String, String> env, Path output) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.sessionpresence.Main"));
        return start(command, env, output);
    }

    /** Runs {@code command} (a launcher that starts the service) and waits until it listens (30 s at most). */
    public static ServiceProcess start(List<String> command, Map<String, String> env, Path output) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            return new ServiceProcess(process, output, awaitPort(process, output));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int awaitPort(Process process, Path output) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
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
        throw new IllegalStateException("the service did not start within 30 s:\n" + Files.readString(output));
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    /** Everything the service wrote so far. */
    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
