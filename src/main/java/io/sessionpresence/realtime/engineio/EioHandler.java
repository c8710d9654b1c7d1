package io.sessionpresence.realtime.engineio;

/**
 * What runs on top of one Engine.IO session (here: Socket.IO). Calls for one session never
 * overlap: they come from its WebSocket reader or from its one POST at a time.
 */
public interface EioHandler {
    /** A text message packet's payload. */
    void onMessage(String text) throws EioProtocolException;

    /** A binary message packet's payload. */
    void onBinary(byte[] data) throws EioProtocolException;

    /** The session is closed (by either side, or by the heartbeat); called once. */
    void onClose(String reason);
}
