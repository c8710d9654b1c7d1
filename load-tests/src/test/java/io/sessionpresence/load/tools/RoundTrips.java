package io.sessionpresence.load.tools;

import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sessionpresence.load.support.Resp;
import io.sessionpresence.load.support.Setup;

/**
 * Exact Redis cost of each API call, against a service on the Redis store: each call is made
 * {@value #SAMPLES} times, one at a time, while a {@code MONITOR} connection records every command
 * Redis runs with its source ({@code [0 127.0.0.1:port]} = sent by a client, {@code [0 lua]} = run
 * inside a script), and {@code INFO stats} is read before and after each call.
 *
 * <ul>
 * <li><b>client commands</b>: commands the service sent (EVALSHA, EVAL, PUBLISH, ZCOUNT ...);</li>
 * <li><b>script commands</b>: commands those scripts ran inside Redis;</li>
 * <li><b>round trips</b>: {@code total_reads_processed} difference (one read event per request or
 *     per pipelined batch the service sent) minus the INFO read itself.</li>
 * </ul>
 * Each figure is the most frequent value over the samples, which drops the occasional background
 * command (Redisson's connection PING and expired-entry eviction) that falls inside a window.
 *
 * <p>Usage: {@code RoundTrips <baseUrl> <redisUrl> <adminToken> <out.json>} (baseUrl is also read
 * as {@code -DbaseUrl} by {@link Setup}).
 */
public final class RoundTrips {
    static final int SAMPLES = 30;
    private static final Pattern LINE = Pattern.compile("^(\\d+)\\.(\\d{6}) \\[\\d+ ([^\\]]+)\\] (.*)$");

    record Command(long micros, boolean fromScript, List<String> args) {
    }

    record Window(String call, long fromMicros, long toMicros, long reads) {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("baseUrl", args[0]);
        String redisUrl = args[1];
        String adminToken = args[2];
        Setup setup = new Setup();
        ConcurrentLinkedQueue<Command> seen = new ConcurrentLinkedQueue<>();
        Resp monitor = new Resp(redisUrl);
        monitor.send("MONITOR");
        monitor.read();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    Object line = monitor.read();
                    if (line instanceof String text) {
                        parse(text).ifPresent(seen::add);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // monitor closed at the end
            }
        });

        Setup.UserSession session = setup.createSession("lt-rt-user");
        setup.send("POST", "/api/cache/user/lt-rt-user", "{\"data\":{\"a\":1}}", "X-Session-Token", session.token());
        setup.send("POST", "/api/heartbeat", "{\"user\":\"lt-rt-anon\",\"page\":\"/p\"}");
        String[] token = {"X-Session-Token", session.token()};
        String[] admin = {"Authorization", "Bearer " + adminToken};

        Map<String, Function<Integer, Object>> calls = new LinkedHashMap<>();
        calls.put("validate", i -> setup.send("GET", "/api/session/validate", null, token));
        calls.put("heartbeat (anonymous)", i -> setup.send("POST", "/api/heartbeat",
                "{\"user\":\"lt-rt-anon-" + i + "\",\"page\":\"/p\"}"));
        calls.put("heartbeat (with session)", i -> setup.send("POST", "/api/heartbeat",
                "{\"page\":\"/p\"}", token));
        calls.put("cache get (hit)", i -> setup.send("GET", "/api/cache/user/lt-rt-user", null, token));
        calls.put("cache put", i -> setup.send("POST", "/api/cache/user/lt-rt-user", "{\"data\":{\"a\":" + i + "}}", token));
        calls.put("stats", i -> setup.send("GET", "/api/session/stats", null, token));
        calls.put("refresh", i -> setup.send("POST", "/api/session/refresh", null, token));
        calls.put("admin presence page (100)", i -> setup.send("GET", "/admin/presence?limit=100", null, admin));
        calls.put("list", i -> setup.send("GET", "/api/session/list", null, token));
        calls.put("admin sessions page (100)", i -> setup.send("GET", "/admin/sessions?limit=100", null, admin));
        calls.put("create", i -> setup.createSession("lt-rt-create-" + i));
        List<Setup.UserSession> toRevoke = new ArrayList<>();
        List<Setup.UserSession> toEndAll = new ArrayList<>();
        for (int i = 0; i <= SAMPLES; i++) {
            toRevoke.add(setup.createSession("lt-rt-user"));
            toEndAll.add(setup.createSession("lt-rt-all-" + i));
            setup.createSession("lt-rt-all-" + i);
        }
        calls.put("revoke one", i -> setup.send("DELETE", "/api/session/" + toRevoke.get(i).sessionId(), null, token));
        calls.put("logout-all (2 sessions)", i -> setup.send("POST", "/api/session/logout-all", null,
                "X-Session-Token", toEndAll.get(i).token()));
        List<Setup.UserSession> toLogout = new ArrayList<>();
        for (int i = 0; i <= SAMPLES; i++) {
            toLogout.add(setup.createSession("lt-rt-logout-" + i));
        }
        calls.put("logout", i -> setup.send("POST", "/api/session/logout", null,
                "X-Session-Token", toLogout.get(i).token()));

        Resp info = new Resp(redisUrl);
        List<Window> windows = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (Map.Entry<String, Function<Integer, Object>> call : calls.entrySet()) {
            try {
                call.getValue().apply(SAMPLES); // a first call loads scripts and classes
                for (int i = 0; i < SAMPLES; i++) {
                    long readsBefore = reads(info);
                    long from = nowMicros();
                    call.getValue().apply(i);
                    long to = nowMicros();
                    long readsAfter = reads(info);
                    windows.add(new Window(call.getKey(), from, to, readsAfter - readsBefore - 1));
                }
            } catch (RuntimeException e) {
                failures.put(call.getKey(), e.getMessage());
            }
        }
        Thread.sleep(300);
        monitor.close();
        reader.join(1000);
        info.close();

        List<Command> all = new ArrayList<>(seen);
        Map<String, Object> results = new LinkedHashMap<>();
        for (String call : calls.keySet()) {
            List<Window> mine = windows.stream().filter(w -> w.call().equals(call)).toList();
            if (mine.isEmpty()) {
                continue;
            }
            List<Map<String, Long>> client = new ArrayList<>();
            List<Map<String, Long>> script = new ArrayList<>();
            List<Long> reads = new ArrayList<>();
            for (Window w : mine) {
                Map<String, Long> c = new TreeMap<>();
                Map<String, Long> s = new TreeMap<>();
                for (Command command : all) {
                    if (command.micros() >= w.fromMicros() && command.micros() <= w.toMicros()
                            && !command.args().getFirst().equalsIgnoreCase("info")) {
                        (command.fromScript() ? s : c).merge(command.args().getFirst().toLowerCase(), 1L, Long::sum);
                    }
                }
                client.add(c);
                script.add(s);
                reads.add(w.reads());
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("samples", mine.size());
            r.put("round_trips", mode(reads));
            r.put("client_commands", mode(client));
            r.put("script_commands", mode(script));
            results.put(call, r);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", "MONITOR + INFO stats around each of " + SAMPLES + " sequential calls; most frequent value");
        out.put("calls", results);
        out.put("failures", failures);
        out.put("validate_command", validateCommand(all, windows, session.token()));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(new File(args[3]), out);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
    }

    /**
     * The exact client command of one validate (the SQLite baseline replays it with other keys):
     * the one that names this session's own part of its id ({@code sps_<user key 16><own 8>.<secret>}).
     */
    private static List<String> validateCommand(List<Command> all, List<Window> windows, String token) {
        String ownPart = token.substring(4 + 16, 4 + 24);
        return windows.stream().filter(w -> w.call().equals("validate"))
                .flatMap(w -> all.stream().filter(c -> !c.fromScript() && c.micros() >= w.fromMicros()
                        && c.micros() <= w.toMicros() && c.args().contains(ownPart)))
                .map(Command::args).findFirst().orElse(List.of());
    }

    private static <T> T mode(List<T> values) {
        Map<T, Integer> counts = new HashMap<>();
        values.forEach(v -> counts.merge(v, 1, Integer::sum));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static long reads(Resp info) {
        return Long.parseLong(info.info("stats").get("total_reads_processed"));
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return ChronoUnit.MICROS.between(Instant.EPOCH, now);
    }

    static java.util.Optional<Command> parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        long micros = Long.parseLong(m.group(1)) * 1_000_000 + Long.parseLong(m.group(2));
        List<String> args = quotedArgs(m.group(4));
        return args.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(new Command(micros, m.group(3).equals("lua"), args));
    }

    /** MONITOR's argument list: {@code "a" "b\\"c" "\\x00"}, unescaped. */
    private static List<String> quotedArgs(String text) {
        List<String> args = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) != '"') {
                i++;
                continue;
            }
            StringBuilder sb = new StringBuilder();
            i++;
            while (i < text.length() && text.charAt(i) != '"') {
                char c = text.charAt(i++);
                if (c != '\\' || i >= text.length()) {
                    sb.append(c);
                    continue;
                }
                char next = text.charAt(i++);
                switch (next) {
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'x' -> {
                        sb.append((char) Integer.parseInt(text.substring(i, i + 2), 16));
                        i += 2;
                    }
                    default -> sb.append(next);
                }
            }
            i++;
            args.add(sb.toString());
        }
        return args;
    }
}
