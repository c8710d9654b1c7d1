package io.sessionpresence.realtime.engineio;

/**
 * A packet that breaks the protocol. Per the Engine.IO and Socket.IO specifications the session
 * that sent it is closed; the message says why (it is logged, never echoed with client data).
 */
public final class EioProtocolException extends Exception {
    public EioProtocolException(String message) {
        super(message, null, false, false);
    }
}
