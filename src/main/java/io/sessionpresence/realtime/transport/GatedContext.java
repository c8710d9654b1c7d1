package io.sessionpresence.realtime.transport;

import java.util.Optional;
import java.util.concurrent.ExecutorService;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;

/** An upgraded connection's context: the connection's own, with its writer behind a {@link FrameGate}. */
record GatedContext(ConnectionContext connection, FrameGate gate) implements ConnectionContext {
    GatedContext(ConnectionContext connection) {
        this(connection, new FrameGate(connection.dataWriter()));
    }

    @Override
    public DataWriter dataWriter() {
        return gate;
    }

    @Override
    public DataReader dataReader() {
        return connection.dataReader();
    }

    @Override
    public ListenerContext listenerContext() {
        return connection.listenerContext();
    }

    @Override
    public ExecutorService executor() {
        return connection.executor();
    }

    @Override
    public Router router() {
        return connection.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return connection.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
        return connection.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
        return connection.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return connection.localPeer();
    }

    @Override
    public boolean isSecure() {
        return connection.isSecure();
    }

    @Override
    public String socketId() {
        return connection.socketId();
    }

    @Override
    public String childSocketId() {
        return connection.childSocketId();
    }

    @Override
    public void log(System.Logger logger, System.Logger.Level level, String format, Object... args) {
        connection.log(logger, level, format, args);
    }

    @Override
    public void log(System.Logger logger, System.Logger.Level level, String format, Throwable throwable, Object... args) {
        connection.log(logger, level, format, throwable, args);
    }
}
