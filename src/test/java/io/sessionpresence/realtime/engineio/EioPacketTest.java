package io.sessionpresence.realtime.engineio;

import java.util.List;

import io.sessionpresence.realtime.engineio.EioPacket.Type;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Engine.IO v4 packet and payload encoding, with the specification's examples. */
class EioPacketTest {
    @Test
    void textPacketsRoundTrip() throws Exception {
        EioPacket message = EioPacket.decode("4hello");
        assertEquals(Type.MESSAGE, message.type());
        assertEquals("hello", message.text());
        assertEquals("4hello", message.encode());
        assertEquals(Type.PING, EioPacket.decode("2probe").type());
        assertEquals("probe", EioPacket.decode("2probe").text());
        assertEquals("6", EioPacket.of(Type.NOOP, "").encode());
        assertEquals("4€", EioPacket.decode("4€").encode(), "UTF-8 text is not length-prefixed in v4");
    }

    @Test
    void payloadSplitsOnTheRecordSeparatorAndDecodesBase64Binary() throws Exception {
        List<EioPacket> packets = EioPacket.decodePayload("4hello\u001ebAQIDBA==\u001e2");
        assertEquals(3, packets.size());
        assertEquals("hello", packets.get(0).text());
        assertArrayEquals(new byte[]{1, 2, 3, 4}, packets.get(1).binary());
        assertEquals(Type.PING, packets.get(2).type());
        assertEquals("4test1\u001e4test2", EioPacket.encodePayload(List.of("4test1", "4test2")));
    }

    @Test
    void malformedPacketsAreProtocolErrors() {
        assertThrows(EioProtocolException.class, () -> EioPacket.decode(""));
        assertThrows(EioProtocolException.class, () -> EioPacket.decode("abc"));
        assertThrows(EioProtocolException.class, () -> EioPacket.decode("7"));
        assertThrows(EioProtocolException.class, () -> EioPacket.decodePayload("4a\u001e\u001e4b"));
        assertThrows(EioProtocolException.class, () -> EioPacket.decodePayload("b!!notbase64"));
    }
}
