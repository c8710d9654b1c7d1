package io.sessionpresence.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sessionpresence.store.RedisSettings;

/**
 * A real Redis server for tests, started once per test JVM. In order of preference:
 * {@code TEST_REDIS_URL}; a Testcontainers container when a Docker engine answers;
 * {@code redis-server} from PATH; the binary shipped inside {@code embedded-redis}. Local servers
 * run on a free port with persistence off and are stopped when the run ends.
 */
public final class TestRedis implements CountsReads, AutoCloseable {
    private static final List<String> NO_PERSISTENCE = List.of("--save", "", "--appendonly", "no");
    private static TestRedis shared;

    private final String host;
    private final int port;
    private final String source;
    private final AutoCloseable stopper;
    /** The local server process, when this class started one; null for a URL or a container. */
    private final Process process;

    private TestRedis(String host, int port, String source, AutoCloseable stopper) {
        this(host, port, source, stopper, null);
    }

    private TestRedis(String host, int port, String source, AutoCloseable stopper, Process process) {
        this.host = host;
        this.port = port;
        this.source = source;
        this.stopper = stopper;
        this.process = process;
    }

    public static synchronized TestRedis shared() {
        if (shared == null) {
            shared = start();
            TestRedis started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return shared;
    }

    public String url() {
        return "redis://" + host + ":" + port;
    }

    /**
     * Settings for a test's own Redisson client on this Redis: keys under {@code prefix} plus a
     * unique suffix, generous timeouts, the shipped pool, one batch in flight.
     */
    public RedisSettings settings(String prefix) {
        return RedisSettings.forUrl(url(), 5000, prefix + System.nanoTime() + ":", 64, 1);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String source() {
        return source;
    }

    /** One Redis command over a raw socket (RESP), returning the raw reply text. */
    public String command(String... args) {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return Resp.read(socket.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException("redis command failed: " + String.join(" ", args), e);
        }
    }

    /**
     * Commands Redis ran while {@code work} ran, by name ({@code INFO commandstats} differences;
     * commands run inside scripts count under their own names; our PING/INFO probes are left out).
     */
    public Map<String, Long> commandsDuring(Runnable work) {
        Map<String, Long> before = commandStats();
        work.run();
        Map<String, Long> delta = new HashMap<>();
        commandStats().forEach((command, calls) -> {
            long added = calls - before.getOrDefault(command, 0L);
            if (added > 0 && !command.equals("ping") && !command.equals("info")) {
                delta.put(command, added);
            }
        });
        return delta;
    }

    @Override
    public long readsProcessed() {
        for (String line : command("INFO", "stats").split("\r?\n")) {
            if (line.startsWith("total_reads_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IllegalStateException("no total_reads_processed in INFO stats");
    }

    private Map<String, Long> commandStats() {
        Map<String, Long> stats = new HashMap<>();
        for (String line : command("INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                int calls = line.indexOf("calls=") + 6;
                stats.put(line.substring(8, line.indexOf(':')), Long.parseLong(line.substring(calls, line.indexOf(',', calls))));
            }
        }
        return stats;
    }

    private static TestRedis start() {
        String url = System.getenv("TEST_REDIS_URL");
        if (url != null && !url.isBlank()) {
            java.net.URI uri = java.net.URI.create(url);
            return new TestRedis(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379, "TEST_REDIS_URL", () -> { });
        }
        if (DockerRedis.dockerAvailable()) {
            return DockerRedis.start();
        }
        Path onPath = Executables.onPath("redis-server").orElse(null);
        if (onPath != null) {
            return startProcess(onPath, "redis-server from PATH (" + onPath + ")", freePortUnchecked(),
                    temporaryDir(), NO_PERSISTENCE);
        }
        return startProcess(extractEmbedded(), "embedded-redis binary", freePortUnchecked(), temporaryDir(),
                NO_PERSISTENCE);
    }

    /** Testcontainers lives in its own class so that its classes load only when Docker answers. */
    private static final class DockerRedis {
        static boolean dockerAvailable() {
            try {
                return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable e) {
                return false;
            }
        }

        static TestRedis start() {
            var container = new org.testcontainers.containers.GenericContainer<>(
                    org.testcontainers.utility.DockerImageName.parse("redis:7.4-alpine")).withExposedPorts(6379);
            container.start();
            return new TestRedis(container.getHost(), container.getMappedPort(6379), "Testcontainers", container::stop);
        }
    }

    /**
     * A private local server on the given port (never the shared one, never a container): for
     * tests that stop and restart Redis.
     */
    public static TestRedis startLocal(int port) {
        return startLocal(port, temporaryDir(), NO_PERSISTENCE);
    }

    /**
     * A private local server persisting to {@code dir} as {@code k8s/overlays/dev/redis.yaml}
     * ships it (AOF, {@code appendfsync everysec}, no RDB snapshots): restarted on the same port
     * and directory, it loads what it had acknowledged.
     */
    public static TestRedis startPersistent(int port, Path dir) {
        return startLocal(port, dir, List.of("--appendonly", "yes", "--appendfsync", "everysec", "--save", ""));
    }

    /**
     * A private local server on {@code port} with {@code args} added to its command line (cluster,
     * TLS, replication options; persistence as they say), in a directory of its own.
     */
    public static TestRedis startServer(int port, List<String> args) {
        return startLocal(port, temporaryDir(), args);
    }

    /**
     * A private local process run as {@code redis-server <configFile> <args>} and answering PING on
     * {@code port} (which the file or {@code args} set): a sentinel, which redis-server only starts
     * with its config file first on the command line and which rewrites that file as it learns.
     * It logs next to the file; closing it stops it, {@link #crash()} kills it.
     */
    public static TestRedis startWithConfigFile(Path configFile, int port, List<String> args) {
        Path binary = Executables.onPath("redis-server")
                .orElseThrow(() -> new IllegalStateException("redis-server is not on PATH"));
        List<String> command = new ArrayList<>(List.of(binary.toString(), configFile.toString()));
        command.addAll(args);
        return launch(command, configFile.getParent(), configFile.resolveSibling(configFile.getFileName() + ".log"), port,
                String.join(" ", command));
    }

    private static TestRedis startLocal(int port, Path dir, List<String> persistence) {
        Path onPath = Executables.onPath("redis-server").orElse(null);
        return onPath != null
                ? startProcess(onPath, "redis-server from PATH", port, dir, persistence)
                : startProcess(extractEmbedded(), "embedded-redis binary", port, dir, persistence);
    }

    /** Kills a server this class started with SIGKILL, as a crash would: no shutdown, no final AOF flush. */
    public void crash() throws InterruptedException {
        if (process == null) {
            throw new IllegalStateException("not a process of ours: " + source);
        }
        process.destroyForcibly().waitFor();
    }

    private static Path extractEmbedded() {
        String resource = "/redis-server-6.2.6-v5-linux-amd64";
        try (InputStream in = TestRedis.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("embedded-redis has no " + resource + " for this platform");
            }
            Path binary = Files.createTempFile("redis-server", "");
            Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
            binary.toFile().setExecutable(true);
            binary.toFile().deleteOnExit();
            return binary;
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract the embedded redis-server", e);
        }
    }

    private static Path temporaryDir() {
        try {
            return Files.createTempDirectory("test-redis");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TestRedis startProcess(Path binary, String source, int port, Path dir, List<String> persistence) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString()));
        command.addAll(persistence);
        return launch(command, dir, dir.resolve("redis.log"), port, source);
    }

    /** Runs {@code command} in {@code dir}, logging to {@code log}, until it answers PING on {@code port}. */
    private static TestRedis launch(List<String> command, Path dir, Path log, int port, String source) {
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            TestRedis redis = new TestRedis("127.0.0.1", port, source, () -> {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }, process);
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(source + " exited: " + Files.readString(log));
                }
                try {
                    if (redis.command("PING").equals("PONG")) {
                        return redis;
                    }
                } catch (IllegalStateException notYet) {
                    Thread.sleep(20);
                }
            }
            redis.close();
            throw new IllegalStateException(source + " did not answer PING on " + port + " within 10 s: " + Files.readString(log));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + source, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePortUnchecked() {
        try {
            return freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        try {
            stopper.close();
        } catch (Exception ignored) {
            // the run is ending; nothing more to do
        }
    }
}
