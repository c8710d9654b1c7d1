package io.sessionpresence.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Just enough of the Redis protocol to read a reply as text (arrays joined by newlines). */
final class Resp {
    private Resp() {
    }

    static String read(InputStream in) throws IOException {
        String line = line(in);
        char type = line.charAt(0);
        String rest = line.substring(1);
        return switch (type) {
            case '+', ':' -> rest;
            case '-' -> throw new IOException("redis error: " + rest);
            case '$' -> {
                int length = Integer.parseInt(rest);
                if (length < 0) {
                    yield "";
                }
                byte[] data = in.readNBytes(length + 2);
                yield new String(data, 0, length, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(rest);
                StringBuilder joined = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    if (i > 0) {
                        joined.append('\n');
                    }
                    joined.append(read(in));
                }
                yield joined.toString();
            }
            default -> throw new IOException("unexpected reply: " + line);
        };
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\r') {
                in.read();
                break;
            }
            buffer.write(b);
        }
        if (b == -1 && buffer.size() == 0) {
            throw new IOException("connection closed");
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
