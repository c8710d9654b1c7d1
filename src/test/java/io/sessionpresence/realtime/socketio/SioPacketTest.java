package io.sessionpresence.realtime.socketio;

import io.sessionpresence.json.Json;
import io.sessionpresence.realtime.engineio.EioProtocolException;
import io.sessionpresence.realtime.socketio.SioPacket.Type;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Socket.IO v5 default parser format, with the specification's examples. */
class SioPacketTest {
    @Test
    void decodesTheSpecificationExamples() throws Exception {
        SioPacket connect = SioPacket.decode("0");
        assertEquals(Type.CONNECT, connect.type());
        assertEquals("/", connect.nsp());
        assertNull(connect.data());

        SioPacket admin = SioPacket.decode("0/admin,{\"token\":\"123\"}");
        assertEquals("/admin", admin.nsp());
        assertEquals("123", admin.data().path("token").asText());

        assertEquals("/random", SioPacket.decode("0/random").nsp(), "no comma after a namespace at the end");

        SioPacket event = SioPacket.decode("212[\"foo\"]");
        assertEquals(Type.EVENT, event.type());
        assertEquals(12, event.id());
        assertEquals("foo", event.eventName());

        SioPacket ack = SioPacket.decode("3/admin,13[\"bar\"]");
        assertEquals(Type.ACK, ack.type());
        assertEquals("/admin", ack.nsp());
        assertEquals(13, ack.id());

        SioPacket binary = SioPacket.decode("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        assertEquals(Type.BINARY_EVENT, binary.type());
        assertEquals(2, binary.attachments());
        assertFalse(binary.hasId());
    }

    @Test
    void encodesTheSpecificationExamples() {
        assertEquals("2[\"foo\"]", SioPacket.of(Type.EVENT, "/", -1, Json.MAPPER.createArrayNode().add("foo")).encode());
        assertEquals("3/admin,13[\"bar\"]",
                SioPacket.of(Type.ACK, "/admin", 13, Json.MAPPER.createArrayNode().add("bar")).encode());
        assertEquals("4{\"message\":\"Not authorized\"}", SioPacket.of(Type.CONNECT_ERROR, "/", -1,
                Json.MAPPER.createObjectNode().put("message", "Not authorized")).encode());
        assertEquals("1/admin,", SioPacket.of(Type.DISCONNECT, "/admin", -1, null).encode());
    }

    @Test
    void rejectsWhatTheReferenceParserRejects() {
        for (String bad : new String[]{"", "abc", "7", "2{}", "2[]", "2", "2abc[\"x\"]", "2[\"connect\"]",
                "0[1]", "1{}", "2[\"x\"] trailing", "2[\"x\"]{}", "2[\"x\"]]", "2[\"x\",{\"a\":1,\"a\":2}]",
                "5[\"x\"]", "5x-[\"x\"]", "31234567890123456[]"}) {
            assertThrows(EioProtocolException.class, () -> SioPacket.decode(bad), bad);
        }
    }
}
