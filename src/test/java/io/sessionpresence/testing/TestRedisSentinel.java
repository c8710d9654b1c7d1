package io.sessionpresence.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Sentinel deployment for tests: a master and one replica ({@code redis-server}, no
 * persistence) watched by three sentinels under {@link #masterName()} with quorum 2, on free local
 * ports. The timings are a test's, not production's: a master is down after 1 s without an answer
 * and a failover may take 5 s, so that a killed master is replaced within a few seconds.
 * {@link #start()} returns once the replica is in sync and every sentinel knows the replica and the
 * two other sentinels (before that, a failover could not happen). The caller closes it.
 */
public final class TestRedisSentinel implements AutoCloseable {
    private static final String MASTER_NAME = "mymaster";
    private static final List<String> NO_PERSISTENCE = List.of("--save", "", "--appendonly", "no");

    private final TestRedis master;
    private final TestRedis replica;
    private final List<TestRedis> sentinels;
    private final Path dir;

    private TestRedisSentinel(TestRedis master, TestRedis replica, List<TestRedis> sentinels, Path dir) {
        this.master = master;
        this.replica = replica;
        this.sentinels = sentinels;
        this.dir = dir;
    }

    public static TestRedisSentinel start() {
        List<TestRedis> started = new ArrayList<>();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("test-sentinel");
            List<Integer> ports = distinctFreePorts(5);
            int masterPort = ports.get(0);
            // No delay before a full sync (5 s by default): the replica is in sync at once.
            List<String> masterArgs = new ArrayList<>(NO_PERSISTENCE);
            masterArgs.addAll(List.of("--repl-diskless-sync-delay", "0"));
            TestRedis master = TestRedis.startServer(masterPort, masterArgs);
            started.add(master);
            List<String> replicaArgs = new ArrayList<>(NO_PERSISTENCE);
            replicaArgs.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(masterPort), "--repl-diskless-sync-delay", "0"));
            TestRedis replica = TestRedis.startServer(ports.get(1), replicaArgs);
            started.add(replica);
            List<TestRedis> sentinels = new ArrayList<>();
            for (int port : ports.subList(2, 5)) {
                Path conf = dir.resolve("sentinel-" + port + ".conf");
                // Sentinel rewrites this file (what it learns, its id), so each has its own, writable.
                Files.writeString(conf, String.join("\n",
                        "port " + port,
                        "bind 127.0.0.1",
                        "daemonize no",
                        "dir " + dir,
                        "sentinel resolve-hostnames no",
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                        "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                        "sentinel failover-timeout " + MASTER_NAME + " 5000",
                        "sentinel parallel-syncs " + MASTER_NAME + " 1",
                        ""));
                TestRedis sentinel = TestRedis.startWithConfigFile(conf, port, List.of("--sentinel"));
                started.add(sentinel);
                sentinels.add(sentinel);
            }
            TestRedisSentinel deployment = new TestRedisSentinel(master, replica, sentinels, dir);
            deployment.awaitReady();
            return deployment;
        } catch (IOException | RuntimeException e) {
            started.forEach(TestRedis::close);
            deleteQuietly(dir);
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.forEach(TestRedis::close);
            deleteQuietly(dir);
            throw new IllegalStateException(e);
        }
    }

    /** The replica is in sync, and each sentinel sees the master with 1 replica and 2 other sentinels. */
    private void awaitReady() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        String state = "";
        while (System.currentTimeMillis() < deadline) {
            boolean linked = replica.command("INFO", "replication").contains("master_link_status:up");
            List<Map<String, String>> views = sentinels.stream().map(TestRedisSentinel::masterAsSeenBy).toList();
            boolean known = views.stream().allMatch(view -> "1".equals(view.get("num-slaves"))
                    && "2".equals(view.get("num-other-sentinels")) && "master".equals(view.get("flags")));
            if (linked && known) {
                return;
            }
            state = "replica linked: " + linked + ", sentinels: " + views;
            Thread.sleep(100);
        }
        throw new IllegalStateException("the test Sentinel deployment did not settle within 30 s: " + state);
    }

    /** {@code SENTINEL MASTER} as field to value. */
    private static Map<String, String> masterAsSeenBy(TestRedis sentinel) {
        String[] reply = sentinel.command("SENTINEL", "MASTER", MASTER_NAME).split("\n");
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < reply.length; i += 2) {
            fields.put(reply[i], reply[i + 1]);
        }
        return fields;
    }

    /** The master's port as a majority of the sentinels answer it now (those that answer at all). */
    public int currentMasterPort() {
        Map<String, Long> votes = sentinels.stream().map(sentinel -> {
            try {
                return sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME).split("\n")[1];
            } catch (RuntimeException stopped) {
                return "";
            }
        }).filter(port -> !port.isEmpty()).collect(Collectors.groupingBy(port -> port, Collectors.counting()));
        return votes.entrySet().stream().filter(vote -> vote.getValue() >= 2)
                .map(vote -> Integer.parseInt(vote.getKey())).findFirst().orElse(-1);
    }

    /** {@code host:port,...} of the sentinels: the value of {@code redis.sentinel.nodes}. */
    public String nodes() {
        return sentinels.stream().map(sentinel -> sentinel.host() + ":" + sentinel.port()).collect(Collectors.joining(","));
    }

    public String masterName() {
        return MASTER_NAME;
    }

    /** The server that was master at the start (a failover may have changed that since). */
    public TestRedis master() {
        return master;
    }

    /** The server that was the replica at the start. */
    public TestRedis replica() {
        return replica;
    }

    public List<TestRedis> sentinels() {
        return sentinels;
    }

    /** Ports free now and different from each other (each {@link TestRedis#freePort()} alone may repeat one). */
    private static List<Integer> distinctFreePorts(int count) throws IOException {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < count) {
            ports.add(TestRedis.freePort());
        }
        return List.copyOf(ports);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: the system cleans it eventually
        }
    }

    /** Sentinels first, so that none starts a failover while the servers stop. */
    @Override
    public void close() {
        sentinels.forEach(TestRedis::close);
        replica.close();
        master.close();
        deleteQuietly(dir);
    }
}
