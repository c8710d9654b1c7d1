package io.sessionpresence.realtime.socketio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.sessionpresence.realtime.engineio.EioProtocolException;
import io.sessionpresence.testing.JsonValues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Socket.IO packets from any text: a packet decodes, with its namespace, ack id and attachment
 * count, or fails with {@link EioProtocolException}, nothing else; what decodes is well formed and
 * encodes to text that decodes to the same packet.
 */
class SioPacketFuzzTest {
    @FuzzTest
    void decodesOrRefuses(@NotNull String input) {
        SioPacket packet;
        try {
            packet = SioPacket.decode(input);
        } catch (EioProtocolException refused) {
            return;
        }
        assertTrue(packet.nsp().startsWith("/"), packet.nsp());
        assertTrue(packet.id() >= -1, "ack id " + packet.id());
        assertTrue(packet.attachments() >= 0, "attachments " + packet.attachments());
        String encoded = packet.encode();
        try {
            SioPacket decoded = SioPacket.decode(encoded);
            assertEquals(packet, new SioPacket(decoded.type(), decoded.attachments(), decoded.nsp(), decoded.id(),
                    packet.data()), encoded);
            assertTrue(JsonValues.same(packet.data(), decoded.data()), encoded);
        } catch (EioProtocolException e) {
            throw new AssertionError("refuses its own encoding " + encoded + ": " + e.getMessage(), e);
        }
    }
}
