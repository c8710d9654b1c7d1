package io.sessionpresence.realtime.engineio;

/**
 * A long-polling request the Engine.IO server refuses, with the error codes of the reference
 * server ({@code {"code":1,"message":"Session ID unknown"}}), answered as HTTP 400 (413 when too large).
 */
public final class EioRequestException extends Exception {
    public static final int TRANSPORT_UNKNOWN = 0;
    public static final int UNKNOWN_SID = 1;
    public static final int BAD_HANDSHAKE_METHOD = 2;
    public static final int BAD_REQUEST = 3;
    public static final int UNSUPPORTED_PROTOCOL_VERSION = 5;

    private final int code;
    private final int status;

    public EioRequestException(int code, String message) {
        this(code, message, 400);
    }

    public EioRequestException(int code, String message, int status) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    public int code() {
        return code;
    }

    public int status() {
        return status;
    }
}
