package io.sessionpresence.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.helidon.webserver.http.ServerRequest;

/**
 * An identifier taken from the request path exactly as the client percent-encoded it. Helidon's
 * decoded path parameters are not exact enough to name a stored id: they turn {@code +} into a
 * space, cut {@code ;...} off a segment as matrix parameters, stop at an encoded {@code /}, and
 * replace invalid UTF-8 with U+FFFD, so {@code DELETE /admin/sessions/a+b} would end {@code "a b"}.
 */
public final class RawPath {
    private RawPath() {
    }

    /**
     * The part of the raw path between {@code prefix} and {@code suffix} (both literal), decoded:
     * {@code %XX} escapes as UTF-8 bytes, every other character as itself. A 400 when the path
     * does not have that shape, an escape is incomplete, or the bytes are not UTF-8.
     */
    public static String between(ServerRequest req, String prefix, String suffix, String what) {
        String raw = req.prologue().uriPath().rawPath();
        if (!raw.startsWith(prefix) || !raw.endsWith(suffix) || raw.length() <= prefix.length() + suffix.length()) {
            throw ApiException.badRequest("The path must be " + prefix + "<" + what + ">" + suffix);
        }
        return decode(raw.substring(prefix.length(), raw.length() - suffix.length()), what);
    }

    static String decode(String raw, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        int i = 0;
        while (i < raw.length()) {
            if (raw.charAt(i) != '%') {
                int end = raw.indexOf('%', i);
                end = end < 0 ? raw.length() : end;
                bytes.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
                continue;
            }
            int high = i + 2 < raw.length() ? hexDigit(raw.charAt(i + 1)) : -1;
            int low = high >= 0 ? hexDigit(raw.charAt(i + 2)) : -1;
            if (low < 0) {
                throw ApiException.badRequest("The " + what + " in the path has an incomplete %-escape");
            }
            bytes.write(high << 4 | low);
            i += 3;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("The " + what + " in the path is not percent-encoded UTF-8");
        }
    }

    /** ASCII hex only: {@link Character#digit} would also take other scripts' digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
