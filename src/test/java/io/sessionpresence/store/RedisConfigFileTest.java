package io.sessionpresence.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.sessionpresence.testing.RedisExtension;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestRedisCluster;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code redis.config-file}: a Redisson YAML of the user's own, for one server and for a
 * Cluster, runs the service as the dedicated keys would (its codec replaced by ours, which the
 * stored values need), and readiness answers on it.
 */
@ExtendWith(RedisExtension.class)
class RedisConfigFileTest {

    private static void assertServes(Path yaml, String yamlText) throws Exception {
        Files.writeString(yaml, yamlText);
        try (TestService service = TestService.start(StoreKind.MEMORY, Map.of(
                // MEMORY is only the base map: store.type=redis, through the file.
                "store.type", "redis",
                "redis.config-file", yaml.toString(),
                "redis.key-prefix", "file" + UUID.randomUUID().toString().substring(0, 8) + ":"))) {
            String token = service.token("file-user");
            assertEquals(200, service.get("/api/session/validate", "X-Session-Token", token).status());
            assertEquals(200, service.get("/observe/health/ready").status());
        }
    }

    @Test
    void oneServerFromARedissonYaml(TestRedis redis, @TempDir Path dir) throws Exception {
        // A codec Redisson would use by default for values: the service must replace it.
        assertServes(dir.resolve("single.yaml"), """
                singleServerConfig:
                  address: "redis://%s:%d"
                codec: !<org.redisson.codec.JsonJacksonCodec> {}
                """.formatted(redis.host(), redis.port()));
    }

    @Test
    void aClusterFromARedissonYaml(@TempDir Path dir) throws Exception {
        StringBuilder nodes = new StringBuilder();
        for (String seed : TestRedisCluster.shared().seeds().split(",")) {
            nodes.append("    - \"redis://").append(seed).append("\"\n");
        }
        assertServes(dir.resolve("cluster.yaml"), "clusterServersConfig:\n  nodeAddresses:\n" + nodes);
    }
}
