package io.sessionpresence.realtime.engineio;

import java.util.Base64;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Engine.IO packets from any text: a WebSocket frame or a long-polling payload decodes to packets
 * or fails with {@link EioProtocolException}, nothing else; what decodes has one packet per
 * record-separated part and encodes back to the same packets.
 */
class EioPacketFuzzTest {
    @FuzzTest
    void decodesOrRefuses(@NotNull String input) {
        try {
            EioPacket packet = EioPacket.decode(input);
            assertEquals(input, packet.encode());
        } catch (EioProtocolException refused) {
            // closes the session: what the specification asks for
        }
        List<EioPacket> packets;
        try {
            packets = EioPacket.decodePayload(input);
        } catch (EioProtocolException refused) {
            return;
        }
        assertEquals(input.split(String.valueOf(EioPacket.SEPARATOR), -1).length, packets.size());
        List<EioPacket> again = decodePayload(EioPacket.encodePayload(packets.stream().map(EioPacketFuzzTest::encode).toList()));
        assertEquals(packets.size(), again.size());
        for (int i = 0; i < packets.size(); i++) {
            assertEquals(packets.get(i).type(), again.get(i).type());
            assertEquals(packets.get(i).text(), again.get(i).text());
            assertArrayEquals(packets.get(i).binary(), again.get(i).binary());
        }
    }

    /** A packet's long-polling form, binary ones as {@code b<base64>}. */
    private static String encode(EioPacket packet) {
        return packet.isBinary() ? "b" + Base64.getEncoder().encodeToString(packet.binary()) : packet.encode();
    }

    private static List<EioPacket> decodePayload(String payload) {
        try {
            return EioPacket.decodePayload(payload);
        } catch (EioProtocolException e) {
            throw new AssertionError("refuses its own encoding " + payload + ": " + e.getMessage(), e);
        }
    }
}
