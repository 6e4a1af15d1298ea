package io.udpnet.coap.message;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CoapCodecPropertyTest {

    /** Whatever the bytes, decoding yields a message or a CoapFormatException, and a message re-encodes to them. */
    @Property(tries = 3000)
    void randomBytesNeverThrowAnythingElse(@ForAll @Size(max = 64) byte[] bytes) {
        try {
            CoapMessage m = MessageCodec.decode(ByteBuffer.wrap(bytes));
            // A decoded message's encoding is canonical; re-decoding it gives the same message.
            assertEquals(m, MessageCodec.decode(ByteBuffer.wrap(MessageCodec.encode(m))));
        } catch (CoapFormatException expected) {
            // counted drop in the server
        }
    }

    /** Random bytes behind a valid header exercise the option parser more than fully random ones. */
    @Property(tries = 3000)
    void randomOptionsAfterAValidHeaderNeverThrowAnythingElse(@ForAll @Size(max = 48) byte[] tail) {
        ByteBuffer b = ByteBuffer.allocate(4 + tail.length).put(new byte[] {0x40, 0x01, 0x12, 0x34}).put(tail).flip();
        try {
            MessageCodec.decode(b);
        } catch (CoapFormatException expected) {
            // fine
        }
    }

    @Property(tries = 1000)
    void encodeDecodeRoundTrip(@ForAll("messages") CoapMessage m) throws Exception {
        byte[] wire = MessageCodec.encode(m);
        CoapMessage back = MessageCodec.decode(ByteBuffer.wrap(wire));
        assertEquals(m, back);
        assertArrayEquals(wire, MessageCodec.encode(back));
    }

    @Provide
    Arbitrary<CoapMessage> messages() {
        Arbitrary<CoapOption> option = Combinators.combine(
                Arbitraries.integers().between(0, 2000),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300)).as(CoapOption::new);
        Arbitrary<List<CoapOption>> options = option.list().ofMaxSize(6);
        return Combinators.combine(
                Arbitraries.of(MessageType.values()),
                Arbitraries.integers().between(1, 255),
                Arbitraries.integers().between(0, 0xFFFF),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8),
                options,
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200)).as((t, c, mid, tok, opts, payload) -> {
                    CoapMessage.Builder b = CoapMessage.builder().type(t).code(c).messageId(mid).token(tok)
                            .payload(payload);
                    opts.forEach(b::option);
                    return b.build();
                });
    }
}
