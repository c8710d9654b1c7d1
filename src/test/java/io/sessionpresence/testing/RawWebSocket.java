package io.sessionpresence.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A minimal WebSocket client on a plain socket with a tiny receive buffer, that reads only when
 * asked and never answers pings: a stalled or dead peer, which the JDK client cannot play (it
 * keeps reading at the TCP level and answers pings by itself).
 */
public final class RawWebSocket implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private boolean closed;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawWebSocket open(int port, String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(2048);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        RawWebSocket ws = new RawWebSocket(socket);
        String status = ws.readLine();
        if (!status.contains(" 101 ")) {
            throw new IOException("upgrade refused: " + status);
        }
        while (!ws.readLine().isEmpty()) {
            // skip the response headers
        }
        return ws;
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException();
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        out.write(0x81);
        out.write(0x80 | 126);
        out.write(payload.length >> 8);
        out.write(payload.length & 0xFF);
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        out.flush();
    }

    /** Every text frame until the server closes or nothing comes for {@code quiet}. */
    public List<String> readAll(Duration quiet) throws IOException {
        socket.setSoTimeout((int) quiet.toMillis());
        List<String> frames = new ArrayList<>();
        try {
            while (true) {
                int opcode = in.readUnsignedByte() & 0x0F;
                long length = in.readUnsignedByte() & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                if (opcode == 0x8) {
                    closed = true;
                    return frames;
                }
                if (opcode == 0x1) {
                    frames.add(new String(payload, StandardCharsets.UTF_8));
                }
            }
        } catch (SocketTimeoutException e) {
            return frames;
        } catch (EOFException | SocketException e) {
            closed = true;
            return frames;
        }
    }

    /** True once the server closed the connection (close frame, EOF or reset). */
    public boolean closed() {
        return closed;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
