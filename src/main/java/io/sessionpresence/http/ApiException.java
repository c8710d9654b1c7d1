package io.sessionpresence.http;

/**
 * A client-facing failure: an HTTP status and a message that is safe to show to the caller.
 * Routes throw it; {@link ErrorHandlers} renders it as JSON in the shape the route family uses.
 */
public class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
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
