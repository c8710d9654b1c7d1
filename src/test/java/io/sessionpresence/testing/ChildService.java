package io.sessionpresence.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service in a process of its own ({@code io.sessionpresence.Main} on the test classpath),
 * with its own file descriptor limit ({@code ulimit -n}) and heap: what a test cannot impose on
 * the JVM it runs in. Configured through environment variables, as in production.
 */
public final class ChildService implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private final Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private ChildService(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().name("child-service-log").start(this::readLog);
    }

    /**
     * Starts the service on a free port and the memory store, and waits until it listens.
     *
     * @param openFiles the process's file descriptor limit
     * @param jvmOptions e.g. {@code -Xmx256m}
     * @param environment configuration, e.g. {@code CONNECTIONS_HEADER_TIMEOUT_MS}
     */
    public static ChildService start(int openFiles, List<String> jvmOptions, Map<String, String> environment)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        // Surefire runs tests from a manifest-only jar; this property is the real classpath.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, "io.sessionpresence.Main"));
        StringBuilder shell = new StringBuilder("ulimit -n " + openFiles + " && exec");
        command.forEach(word -> shell.append(" '").append(word.replace("'", "'\\''")).append('\''));
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", shell.toString()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("PORT", "0", "HOST", "127.0.0.1", "STORE", "memory",
                "ADMIN_TOKEN", "child-service-admin-token-0123456789abcdef"));
        builder.environment().putAll(environment);
        ChildService child = new ChildService(builder.start());
        try {
            child.port.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            child.close();
            throw new IllegalStateException("service did not start: " + child.log, e);
        }
        return child;
    }

    private void readLog() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                log.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        port.completeExceptionally(new IllegalStateException("exited"));
    }

    public int port() {
        return port.join();
    }

    /** Everything it printed so far. */
    public List<String> log() {
        return List.copyOf(log);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Its exit status, waiting at most {@code limit}; empty while it still runs. */
    public OptionalInt exitStatus(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    /** Open file descriptors of the process now. */
    public long openFiles() throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return fds.count();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
