package io.sessionpresence.load.tools;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sessionpresence.load.support.Resp;

/**
 * The smallest honest SQLite baseline for the Chrome-extension session store's "faster / less memory than SQLite" claims,
 * measured in the same run on the same sessions:
 * <ul>
 * <li>the session rows are the service's own: every session in Redis ({@code sp:user-sessions},
 *     written by the Redis-store run; read out as JSON by a script, since the records are
 *     MessagePack), copied into a SQLite file (WAL) with the session id as primary key, the
 *     secret's hash beside it, and an index on user_id (the per-user listing the service serves);</li>
 * <li><b>bytes per session</b>: the SQLite file (after a checkpoint) divided by the rows, beside
 *     Redis {@code used_memory} per session measured by ValidateHotPath;</li>
 * <li><b>lookup</b>: {@code connections} threads, each with its own connection, look up random
 *     sessions for {@code seconds}: SQLite {@code SELECT data ... WHERE token_hash=? AND
 *     expires_at>?} versus Redis replaying the exact command the service sends for a validate
 *     (captured by {@link RoundTrips}) with other token hashes. Both are the store call alone,
 *     without HTTP, from the same JVM. Both check the secret's hash as the service does.</li>
 * </ul>
 * Usage: {@code SqliteBaseline <redisUrl> <connections> <seconds> <roundtrips.json> <out.json>}.
 */
public final class SqliteBaseline {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One stored session: where it is, the hash that proves it, and its data as JSON. */
    private record Row(String userKey, String suffix, String secretHash, String userId, long expiresAt, String data) {
        String sessionId() {
            return userKey + suffix;
        }
    }

    /** Every session of every record, as JSON arrays {@code [user key, user id, session]}. */
    private static final String READ_ALL = """
            local out = {}
            local all = redis.call('hgetall', KEYS[1])
            for i = 1, #all, 2 do
              local _, payload = struct.unpack('dLc0', all[i + 1])
              local r = cmsgpack.unpack(payload)
              for j = 2, #r do out[#out + 1] = cjson.encode({all[i], r[1], r[j]}) end
            end
            return out
            """;

    /** One client's lookup; each thread gets its own. */
    private interface Lookup extends AutoCloseable {
        boolean find(Row row) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    @FunctionalInterface
    private interface LookupFactory {
        Lookup open() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String redisUrl = args[0];
        int connections = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        List<String> template = new ArrayList<>();
        JSON.readTree(new File(args[3])).path("validate_command").forEach(n -> template.add(n.asText()));
        if (template.isEmpty()) {
            throw new IllegalStateException("no validate command captured in " + args[3]);
        }

        List<Row> rows = new ArrayList<>();
        try (Resp redis = new Resp(redisUrl)) {
            @SuppressWarnings("unchecked")
            List<Object> sessions = (List<Object>) redis.command("EVAL", READ_ALL, "1", "sp:user-sessions");
            for (Object json : sessions) {
                JsonNode entry = JSON.readTree((String) json);
                JsonNode s = entry.get(2);
                ObjectNode data = JSON.createObjectNode();
                data.put("session_id", entry.get(0).asText() + s.get(0).asText());
                data.put("user_id", entry.get(1).asText());
                data.put("created", s.get(2).asLong());
                data.put("expires_at", s.get(3).asLong());
                data.put("last_activity", s.get(4).asLong());
                data.put("remember_me", s.get(5).asBoolean());
                data.put("ip", s.get(6).asText());
                data.put("user_agent", s.get(7).asText());
                rows.add(new Row(entry.get(0).asText(), s.get(0).asText(), s.get(1).asText(), entry.get(1).asText(),
                        s.get(3).asLong(), data.toString()));
            }
        }
        System.out.println("sessions copied from Redis: " + rows.size());

        Path dir = Files.createTempDirectory("sqlite-baseline");
        Path db = dir.resolve("sessions.db");
        String url = "jdbc:sqlite:" + db;
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=NORMAL");
            st.execute("CREATE TABLE sessions (session_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, "
                    + "user_id TEXT NOT NULL, expires_at INTEGER NOT NULL, data TEXT NOT NULL)");
            st.execute("CREATE INDEX sessions_user ON sessions(user_id)");
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO sessions VALUES (?,?,?,?,?)")) {
                for (Row row : rows) {
                    insert.setString(1, row.sessionId());
                    insert.setString(2, row.secretHash());
                    insert.setString(3, row.userId());
                    insert.setLong(4, row.expiresAt());
                    insert.setString(5, row.data());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        long fileBytes = Files.size(db) + sizeIfExists(dir.resolve("sessions.db-wal"));

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessions", rows.size());
        out.put("sqlite_version", sqliteVersion(url));
        out.put("sqlite_file_bytes", fileBytes);
        out.put("sqlite_bytes_per_session", fileBytes / (double) rows.size());
        out.put("connections", connections);
        out.put("seconds", seconds);
        out.put("sqlite_lookup", bench(connections, seconds, rows, () -> sqliteLookup(url)));
        out.put("redis_lookup", bench(connections, seconds, rows, () -> redisLookup(redisUrl, template)));
        out.put("redis_command", template.subList(0, Math.min(3, template.size())));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(new File(args[4]), out);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        }
        Files.deleteIfExists(dir);
    }

    private static Lookup sqliteLookup(String url) throws SQLException {
        Connection c = DriverManager.getConnection(url);
        PreparedStatement select = c.prepareStatement(
                "SELECT data FROM sessions WHERE session_id = ? AND secret_hash = ? AND expires_at > ?");
        return new Lookup() {
            @Override
            public boolean find(Row row) throws SQLException {
                select.setString(1, row.sessionId());
                select.setString(2, row.secretHash());
                select.setLong(3, System.currentTimeMillis());
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() && rs.getString(1) != null;
                }
            }

            @Override
            public void close() throws SQLException {
                c.close();
            }
        };
    }

    /** The service's validate command with the user key, suffix and secret hash (the last three arguments) and clock replaced. */
    private static Lookup redisLookup(String redisUrl, List<String> template) {
        Resp redis = new Resp(redisUrl);
        String[] command = template.toArray(String[]::new);
        int hashAt = command.length - 1;
        int suffixAt = command.length - 2;
        int keyAt = command.length - 3;
        int clockAt = -1;
        for (int i = 0; i < command.length; i++) {
            if (command[i].matches("1\\d{12}")) {
                clockAt = i;
            }
        }
        int clock = clockAt;
        return new Lookup() {
            @Override
            public boolean find(Row row) {
                String[] args = command.clone();
                args[hashAt] = row.secretHash();
                args[suffixAt] = row.suffix();
                args[keyAt] = row.userKey();
                if (clock >= 0) {
                    args[clock] = Long.toString(System.currentTimeMillis());
                }
                return redis.command(args) != null;
            }

            @Override
            public void close() {
                redis.close();
            }
        };
    }

    /** {@code threads} threads look up random hashes: 2 s warm-up, then {@code seconds} measured. */
    private static Map<String, Object> bench(int threads, int seconds, List<Row> rows, LookupFactory factory)
            throws Exception {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        List<long[]> perThread = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        long[] misses = new long[threads];
        for (int t = 0; t < threads; t++) {
            long[] samples = new long[4_000_000 / threads];
            perThread.add(samples);
            int index = t;
            Lookup lookup = factory.open();
            workers.add(Thread.ofPlatform().start(() -> {
                int n = 0;
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try (lookup) {
                    while (running.get()) {
                        Row row = rows.get(random.nextInt(rows.size()));
                        long start = System.nanoTime();
                        boolean found = lookup.find(row);
                        long took = System.nanoTime() - start;
                        if (measuring.get() && n < samples.length) {
                            samples[n++] = took;
                            if (!found) {
                                misses[index]++;
                            }
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                samples[samples.length - 1] = n; // the count rides in the last slot
            }));
        }
        Thread.sleep(2_000);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        running.set(false);
        for (Thread w : workers) {
            w.join();
        }
        long total = 0;
        for (long[] s : perThread) {
            total += Math.min(s[s.length - 1], s.length - 1);
        }
        long[] all = new long[(int) total];
        int k = 0;
        for (long[] s : perThread) {
            int n = (int) Math.min(s[s.length - 1], s.length - 1);
            System.arraycopy(s, 0, all, k, n);
            k += n;
        }
        Arrays.sort(all);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("lookups", total);
        result.put("not_found", Arrays.stream(misses).sum());
        result.put("per_second", total / (elapsed / 1e9));
        result.put("mean_us", Arrays.stream(all).average().orElse(0) / 1000);
        result.put("p50_us", percentile(all, 50) / 1000.0);
        result.put("p95_us", percentile(all, 95) / 1000.0);
        result.put("p99_us", percentile(all, 99) / 1000.0);
        result.put("max_us", all.length == 0 ? 0 : all[all.length - 1] / 1000.0);
        return result;
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static long sizeIfExists(Path path) throws java.io.IOException {
        return Files.exists(path) ? Files.size(path) : 0;
    }

    private static String sqliteVersion(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT sqlite_version()")) {
            return rs.next() ? rs.getString(1) : "?";
        }
    }
}
