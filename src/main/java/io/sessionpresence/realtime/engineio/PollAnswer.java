package io.sessionpresence.realtime.engineio;

import java.nio.charset.StandardCharsets;

/** What a long-polling request is answered: this instance's payload, or the owner's answer relayed as is. */
record PollAnswer(int status, String contentType, byte[] body) {
    static final String TEXT = "text/plain; charset=UTF-8";

    static PollAnswer text(String payload) {
        return new PollAnswer(200, TEXT, payload.getBytes(StandardCharsets.UTF_8));
    }
}
