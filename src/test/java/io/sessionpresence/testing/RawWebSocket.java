package io.sessionpresence.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
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
        sendFrame(true, WsFrame.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends one frame, masked as a client must, in a single write; {@code fin} false leaves the
     * message unfinished (a text frame opens it, {@link WsFrame#CONTINUATION} frames go on with it).
     */
    public void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        sendFrame((fin ? 0x80 : 0) | opcode, true, payload);
    }

    /** Sends one frame with any first byte (FIN, RSV1-3, opcode), masked or not as a client must not. */
    public void sendFrame(int firstByte, boolean masked, byte[] payload) throws IOException {
        sendBytes(frame(firstByte, masked, payload));
    }

    /** Sends these bytes in one write (several frames arrive together). */
    public void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** One frame with any first byte (FIN, RSV1-3, opcode), masked or not as a client must not. */
    public static byte[] frame(int firstByte, boolean masked, byte[] payload) {
        byte[] mask = {1, 2, 3, 4};
        int header = payload.length < 126 ? 2 : payload.length < 1 << 16 ? 4 : 10;
        int maskBit = masked ? 0x80 : 0;
        ByteBuffer frame = ByteBuffer.allocate(header + (masked ? 4 : 0) + payload.length);
        frame.put((byte) firstByte);
        if (payload.length < 126) {
            frame.put((byte) (maskBit | payload.length));
        } else if (payload.length < 1 << 16) {
            frame.put((byte) (maskBit | 126)).putShort((short) payload.length);
        } else {
            frame.put((byte) (maskBit | 127)).putLong(payload.length);
        }
        if (masked) {
            frame.put(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (masked ? payload[i] ^ mask[i % 4] : payload[i]));
        }
        return frame.array();
    }

    /** Every text frame until the server closes or nothing comes for {@code quiet}. */
    public List<String> readAll(Duration quiet) throws IOException {
        socket.setSoTimeout((int) quiet.toMillis());
        List<String> frames = new ArrayList<>();
        try {
            while (true) {
                WsFrame frame = WsFrame.read(in);
                if (frame.opcode() == WsFrame.CLOSE) {
                    closed = true;
                    return frames;
                }
                if (frame.opcode() == WsFrame.TEXT) {
                    frames.add(frame.text());
                }
            }
        } catch (SocketTimeoutException e) {
            return frames;
        } catch (EOFException | SocketException e) {
            closed = true;
            return frames;
        }
    }

    /** The next frame, waiting at most the socket's read timeout. */
    public WsFrame readFrame() throws IOException {
        return WsFrame.read(in);
    }

    /** Sends a close frame with this code (masked, as a client must). */
    public void sendClose(int code) throws IOException {
        byte[] mask = {5, 6, 7, 8};
        out.write(new byte[]{(byte) 0x88, (byte) 0x82, mask[0], mask[1], mask[2], mask[3],
                (byte) ((code >> 8) ^ mask[0]), (byte) ((code & 0xFF) ^ mask[1])});
        out.flush();
    }

    /**
     * Every byte the server sends until it ends the connection (EOF or reset); a server still
     * sending or holding the connection open after {@code limit} is a failure.
     */
    public byte[] readToEnd(Duration limit) throws IOException {
        socket.setSoTimeout((int) limit.toMillis());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("connection still open after " + limit + " (" + all.size() + " bytes read)", e);
        } catch (SocketException e) {
            // a reset ends the connection as well; what came before it is what counts
        }
        closed = true;
        return all.toByteArray();
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
