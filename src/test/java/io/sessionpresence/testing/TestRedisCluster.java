package io.sessionpresence.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster for tests: {@code masters} {@code redis-server} processes (each with
 * {@code replicasPerMaster} replicas) on free local ports, joined with
 * {@code redis-cli --cluster create} (which gives each master an equal, contiguous range of the
 * 16,384 slots), and stopped when closed or when the run ends. {@link #shared()} is the 3-master
 * cluster the store-parameterised tests run against ({@link StoreKind#REDIS_CLUSTER}).
 */
public final class TestRedisCluster implements CountsReads, AutoCloseable {
    private static TestRedisCluster shared;

    private final List<TestRedis> nodes;
    private final int masters;

    private TestRedisCluster(List<TestRedis> nodes, int masters) {
        this.nodes = nodes;
        this.masters = masters;
    }

    public static synchronized TestRedisCluster shared() {
        if (shared == null) {
            shared = start(3, 0);
            TestRedisCluster started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return shared;
    }

    /** A cluster of its own, for tests that stop nodes; the caller closes it. */
    public static TestRedisCluster start(int masters, int replicasPerMaster) {
        int count = masters * (1 + replicasPerMaster);
        List<TestRedis> nodes = new ArrayList<>();
        try {
            for (int port : clusterPorts(count)) {
                nodes.add(TestRedis.startServer(port, List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "2000",
                        "--save", "", "--appendonly", "no")));
            }
            List<String> create = new ArrayList<>(List.of(redisCli(), "--cluster", "create"));
            nodes.forEach(node -> create.add(node.host() + ":" + node.port()));
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
            Process process = new ProcessBuilder(create).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + output);
            }
            TestRedisCluster cluster = new TestRedisCluster(nodes, masters);
            cluster.awaitReady();
            return cluster;
        } catch (IOException | RuntimeException e) {
            nodes.forEach(TestRedis::close);
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            nodes.forEach(TestRedis::close);
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every node says the cluster is ok and knows every node (the gossip has settled), and every
     * replica has finished its first sync with its master.
     */
    private void awaitReady() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            boolean ready = nodes.stream().allMatch(node -> node.command("CLUSTER", "INFO").contains("cluster_state:ok")
                    && node.command("CLUSTER", "NODES").lines().filter(line -> !line.isBlank()).count() == nodes.size()
                    && (node.command("ROLE").startsWith("master")
                        || node.command("INFO", "replication").contains("master_link_status:up")));
            if (ready) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the test cluster did not reach cluster_state:ok within 30 s");
    }

    @Override
    public long readsProcessed() {
        return nodes.stream().mapToLong(TestRedis::readsProcessed).sum();
    }

    /** {@code host:port,...} of every node: the value of {@code redis.cluster.nodes}. */
    public String seeds() {
        return nodes.stream().map(node -> node.host() + ":" + node.port()).collect(Collectors.joining(","));
    }

    public List<TestRedis> nodes() {
        return nodes;
    }

    public int masters() {
        return masters;
    }

    /** The nodes serving slots now (masters), as each node sees itself. */
    public List<TestRedis> currentMasters() {
        return nodes.stream().filter(node -> node.command("ROLE").startsWith("master")).toList();
    }

    /**
     * Ports whose cluster bus port (+10000) is free too, from a range the kernel does not hand
     * out for outgoing connections (32768 and up on Linux), so neither is taken while we start.
     */
    private static List<Integer> clusterPorts(int count) throws IOException {
        List<Integer> ports = new ArrayList<>();
        int candidate = 10_000 + (int) (ProcessHandle.current().pid() % 700) * 16;
        while (ports.size() < count && candidate < 22_000) {
            if (free(candidate) && free(candidate + 10_000)) {
                ports.add(candidate);
            }
            candidate++;
        }
        if (ports.size() < count) {
            throw new IllegalStateException("no free ports for a test cluster");
        }
        return ports;
    }

    private static boolean free(int port) {
        try (var socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String redisCli() {
        return Executables.onPath("redis-cli").map(Path::toString)
                .orElseThrow(() -> new IllegalStateException("redis-cli is not on PATH (Debian package redis-tools; ./test.sh installs it)"));
    }

    @Override
    public void close() {
        nodes.forEach(TestRedis::close);
    }
}
