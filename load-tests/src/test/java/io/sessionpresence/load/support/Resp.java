package io.sessionpresence.load.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal Redis (RESP2) client over a plain socket: enough for INFO, CONFIG and MONITOR. The
 * load tests only observe Redis; they never go through the service's client library.
 */
public final class Resp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public Resp(String redisUrl) {
        try {
            URI uri = URI.create(redisUrl);
            socket = new Socket(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            String userInfo = uri.getUserInfo();
            if (userInfo != null && !userInfo.isEmpty()) {
                String password = userInfo.substring(userInfo.indexOf(':') + 1);
                command("AUTH", password);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Redis at " + redisUrl + ": " + e.getMessage(), e);
        }
    }

    public synchronized Object command(String... args) {
        try {
            send(args);
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends without waiting for a reply (MONITOR then streams with {@link #read()}). */
    public void send(String... args) throws IOException {
        StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public Object read() throws IOException {
        int type = in.read();
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new IllegalStateException("Redis error: " + line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] data = in.readNBytes(length + 2);
                yield new String(data, 0, length, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                yield items;
            }
            case -1 -> throw new IOException("Redis closed the connection");
            default -> throw new IOException("Unexpected RESP type " + (char) type);
        };
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c == -1) {
                throw new IOException("Redis closed the connection");
            }
            sb.append((char) c);
        }
        in.read();
        return sb.toString();
    }

    /** {@code INFO <section>} as key/value pairs. */
    public Map<String, String> info(String section) {
        return parseInfo(infoRaw(section));
    }

    /** {@code INFO <section>}'s reply as Redis sent it. */
    public String infoRaw(String section) {
        return (String) command("INFO", section);
    }

    /** An INFO reply as key/value pairs. */
    public static Map<String, String> parseInfo(String raw) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : raw.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                result.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return result;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing an observer connection
        }
    }
}
