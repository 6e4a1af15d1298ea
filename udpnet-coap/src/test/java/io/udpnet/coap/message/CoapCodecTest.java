package io.udpnet.coap.message;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CoapCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 7252 appendix A, figure 16: "CON [0x7d34] GET /temperature" (no token). */
    @Test
    void rfcExampleRequestEncodesByteExact() throws Exception {
        CoapMessage m = CoapMessage.builder().type(MessageType.CON).code(CoapCode.GET).messageId(0x7d34)
                .uriPath("/temperature").build();
        byte[] expected = HEX.parseHex("40017d34" + "bb"
                + HEX.formatHex("temperature".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(expected, MessageCodec.encode(m));
        assertEquals(m, MessageCodec.decode(ByteBuffer.wrap(expected)));
        assertEquals("/temperature", MessageCodec.decode(ByteBuffer.wrap(expected)).uriPath());
    }

    /** RFC 7252 appendix A, figure 16: the piggy-backed "ACK [0x7d34] 2.05 Content "22.3 C"". */
    @Test
    void rfcExampleResponseEncodesByteExact() throws Exception {
        CoapMessage m = CoapMessage.builder().type(MessageType.ACK).code(CoapCode.CONTENT).messageId(0x7d34)
                .payload("22.3 C".getBytes(StandardCharsets.US_ASCII)).build();
        byte[] expected = HEX.parseHex("60457d34ff" + "32322e332043");
        assertArrayEquals(expected, MessageCodec.encode(m));
        assertEquals(m, MessageCodec.decode(ByteBuffer.wrap(expected)));
    }

    /**
     * Own vector for token and both extended option encodings: NON POST mid 0x1234, token abcd, Uri-Path "x"
     * (delta 11), Size2 1024 (delta 13: nibble 13 + 1 byte), option 300 empty (delta 272: nibble 14 + 2 bytes),
     * Uri-Query of 20 bytes before it (length nibble 13 + 1 byte), payload "hi".
     */
    @Test
    void extendedDeltasAndLengthsEncodeByteExact() throws Exception {
        String query = "abcdefghijklmnopqrst";
        CoapMessage m = CoapMessage.builder().type(MessageType.NON).code(CoapCode.POST).messageId(0x1234)
                .token(new byte[] {(byte) 0xab, (byte) 0xcd})
                .option(new CoapOption(300, new byte[0]))
                .option(CoapOption.ofString(OptionNumber.URI_QUERY, query))
                .option(CoapOption.ofUint(OptionNumber.SIZE2, 1024))
                .option(CoapOption.ofString(OptionNumber.URI_PATH, "x"))
                .payload("hi".getBytes(StandardCharsets.US_ASCII)).build();
        String expected = "52021234abcd"
                + "b178"                       // Uri-Path (11), len 1, "x"
                + "4d07" + HEX.formatHex(query.getBytes(StandardCharsets.US_ASCII)) // Uri-Query (15): delta 4, len 13+7
                + "d2" + "00" + "0400"         // Size2 (28): delta 28-15 = 13 = 13+0, len 2
                + "e0" + "0003"                // 300: delta 300-28 = 272 = 269+3, len 0
                + "ff6869";
        assertEquals(expected, HEX.formatHex(MessageCodec.encode(m)));
        CoapMessage back = MessageCodec.decode(ByteBuffer.wrap(HEX.parseHex(expected)));
        assertEquals(m, back);
        assertEquals(1024, back.uintOption(OptionNumber.SIZE2));
        assertEquals(java.util.List.of(query), back.uriQuery());
    }

    @Test
    void emptyAckAndResetAreFourBytes() throws Exception {
        assertEquals("60001234", HEX.formatHex(MessageCodec.encode(CoapMessage.empty(MessageType.ACK, 0x1234))));
        assertEquals("7000ffff", HEX.formatHex(MessageCodec.encode(CoapMessage.empty(MessageType.RST, 0xffff))));
    }

    @Test
    void malformedInputIsRejectedWithWhatTheHeaderSays() {
        // Too short and wrong version: header unusable, nothing to answer.
        CoapFormatException shortOne = assertThrows(CoapFormatException.class, () -> decode("4001"));
        assertNull(shortOne.type());
        assertNull(assertThrows(CoapFormatException.class, () -> decode("80011234")).type());
        // Readable header, bad body: type and message ID known, so a CON can be reset.
        CoapFormatException tkl = assertThrows(CoapFormatException.class, () -> decode("49011234"));
        assertEquals(MessageType.CON, tkl.type());
        assertEquals(0x1234, tkl.messageId());
        assertThrows(CoapFormatException.class, () -> decode("40011234ff"));         // marker, no payload
        assertThrows(CoapFormatException.class, () -> decode("40011234f0"));         // delta nibble 15
        assertThrows(CoapFormatException.class, () -> decode("400112340f"));         // length nibble 15
        assertThrows(CoapFormatException.class, () -> decode("40011234b3aa"));       // truncated value
        assertThrows(CoapFormatException.class, () -> decode("40011234d0"));         // truncated extension
        assertThrows(CoapFormatException.class, () -> decode("410012347a"));         // empty with a token
        assertThrows(CoapFormatException.class, () -> decode("42011234aa"));         // truncated token
        CoapFormatException big = assertThrows(CoapFormatException.class,
                () -> decode("40011234" + "e0ffff" + "e0ffff"));                     // option number > 65535
        assertEquals(MessageType.CON, big.type());
    }

    @Test
    void blockOptionValues() {
        BlockOption b = new BlockOption(3, true, 6);
        assertEquals(1024, b.size());
        assertEquals(3072, b.offset());
        CoapOption o = b.toOption(OptionNumber.BLOCK2);
        assertEquals("3e", HEX.formatHex(o.value()));
        assertEquals(b, BlockOption.fromUint(o.asUint()));
        assertNull(BlockOption.fromUint(7)); // szx 7 is reserved
        assertEquals(new BlockOption(0, false, 0), BlockOption.fromUint(0));
        assertEquals(2, BlockOption.szxOf(64));
    }

    @Test
    void uintOptionsUseTheFewestBytes() {
        assertEquals(0, CoapOption.ofUint(OptionNumber.OBSERVE, 0).value().length);
        assertEquals(1, CoapOption.ofUint(OptionNumber.OBSERVE, 255).value().length);
        assertEquals(2, CoapOption.ofUint(OptionNumber.OBSERVE, 256).value().length);
        assertEquals(3, CoapOption.ofUint(OptionNumber.OBSERVE, 0xFFFFFF).value().length);
        assertEquals(0xFFFFFFL, CoapOption.ofUint(OptionNumber.OBSERVE, 0xFFFFFF).asUint());
    }

    private static CoapMessage decode(String hex) throws CoapFormatException {
        return MessageCodec.decode(ByteBuffer.wrap(HEX.parseHex(hex)));
    }
}
