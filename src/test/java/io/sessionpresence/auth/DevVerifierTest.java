package io.sessionpresence.auth;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dev identity names any ASCII user; bytes beyond ASCII do not arrive as sent, so they are refused. */
class DevVerifierTest {
    @Test
    void aUserIdThatDidNotArriveAsSentIsRefused() {
        DevVerifier dev = new DevVerifier();
        assertEquals(Optional.of("alice"), dev.verify("dev:alice"));
        assertEquals(Optional.empty(), dev.verify("dev:\uFFFD\uFFFDa"));
    }

    /** Over the wire: "dev:éa" and "dev:èa" in UTF-8 were both the user "\uFFFD\uFFFDa", one user. */
    @Test
    void utf8InTheHeaderIsA401NotAnotherUsersSession() throws Exception {
        try (TestService service = TestService.start(StoreKind.MEMORY);
             Socket socket = new Socket("127.0.0.1", service.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("POST /api/session/create HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\nAuthorization: Bearer dev:"
                    .getBytes(StandardCharsets.US_ASCII));
            out.write("éa\r\n\r\n{}".getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
        }
    }
}
