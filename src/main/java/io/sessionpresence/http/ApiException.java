package io.sessionpresence.http;

/**
 * A client-facing failure: an HTTP status and a message that is safe to show to the caller.
 * Routes throw it; {@link ErrorHandlers} renders it as JSON in the shape the route family uses.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final boolean closesConnection;

    public ApiException(int status, String message) {
        this(status, message, false);
    }

    private ApiException(int status, String message, boolean closesConnection) {
        super(message, null, false, false);
        this.status = status;
        this.closesConnection = closesConnection;
    }

    public int status() {
        return status;
    }

    /** True when the request's framing is broken: the answer closes the connection, which cannot carry another. */
    public boolean closesConnection() {
        return closesConnection;
    }

    /** 400 for a body whose framing is broken (chunks, length): answered with {@code Connection: close}. */
    public static ApiException malformedBody(String message) {
        return new ApiException(400, message, true);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, message);
    }
}
