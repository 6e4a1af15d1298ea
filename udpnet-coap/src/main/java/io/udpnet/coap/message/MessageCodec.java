package io.udpnet.coap.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes CoAP messages (RFC 7252 section 3). Decoding never throws anything but
 * {@link CoapFormatException}, whatever the bytes.
 */
public final class MessageCodec {
    /** The only protocol version. */
    public static final int VERSION = 1;
    private static final int PAYLOAD_MARKER = 0xFF;

    private MessageCodec() {
    }

    /**
     * Encodes a message.
     *
     * @param m the message
     * @return the datagram's bytes
     * @throws IllegalArgumentException when an empty message (0.00) has a token, options or payload
     */
    public static byte[] encode(CoapMessage m) {
        if (m.isEmpty() && (m.token().length > 0 || !m.options().isEmpty() || m.payload().length > 0)) {
            throw new IllegalArgumentException("an empty message carries nothing");
        }
        int size = 4 + m.token().length;
        int prev = 0;
        for (CoapOption o : m.options()) {
            size += 1 + extBytes(o.number() - prev) + extBytes(o.value().length) + o.value().length;
            prev = o.number();
        }
        if (m.payload().length > 0) {
            size += 1 + m.payload().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) (VERSION << 6 | m.type().ordinal() << 4 | m.token().length));
        b.put((byte) m.code());
        b.putShort((short) m.messageId());
        b.put(m.token());
        prev = 0;
        for (CoapOption o : m.options()) {
            int delta = o.number() - prev;
            int len = o.value().length;
            b.put((byte) (nibble(delta) << 4 | nibble(len)));
            putExt(b, delta);
            putExt(b, len);
            b.put(o.value());
            prev = o.number();
        }
        if (m.payload().length > 0) {
            b.put((byte) PAYLOAD_MARKER);
            b.put(m.payload());
        }
        return b.array();
    }

    private static int extBytes(int v) {
        return v < 13 ? 0 : v < 269 ? 1 : 2;
    }

    private static int nibble(int v) {
        return v < 13 ? v : v < 269 ? 13 : 14;
    }

    private static void putExt(ByteBuffer b, int v) {
        if (v >= 269) {
            b.putShort((short) (v - 269));
        } else if (v >= 13) {
            b.put((byte) (v - 13));
        }
    }

    /**
     * Decodes the datagram between {@code src}'s position and limit; the position moves to the limit on success.
     *
     * @param src the datagram
     * @return the message
     * @throws CoapFormatException when the bytes are not a well-formed message; it tells the type and message ID
     *                             when the header was readable
     */
    public static CoapMessage decode(ByteBuffer src) throws CoapFormatException {
        if (src.remaining() < 4) {
            throw new CoapFormatException("shorter than the 4-byte header", null, -1);
        }
        int first = src.get() & 0xFF;
        int code = src.get() & 0xFF;
        int mid = src.getShort() & 0xFFFF;
        if (first >>> 6 != VERSION) {
            throw new CoapFormatException("version " + (first >>> 6), null, -1);
        }
        MessageType type = MessageType.ofBits(first >>> 4);
        int tkl = first & 0xF;
        if (tkl > 8) {
            throw new CoapFormatException("token length " + tkl, type, mid);
        }
        if (code == CoapCode.EMPTY && (tkl != 0 || src.hasRemaining())) {
            throw new CoapFormatException("empty message with content", type, mid);
        }
        if (src.remaining() < tkl) {
            throw new CoapFormatException("truncated token", type, mid);
        }
        byte[] token = new byte[tkl];
        src.get(token);
        CoapMessage.Builder b = CoapMessage.builder().type(type).code(code).messageId(mid).token(token);
        List<CoapOption> opts = new ArrayList<>();
        int number = 0;
        while (src.hasRemaining()) {
            int head = src.get() & 0xFF;
            if (head == PAYLOAD_MARKER) {
                if (!src.hasRemaining()) {
                    throw new CoapFormatException("payload marker without payload", type, mid);
                }
                byte[] payload = new byte[src.remaining()];
                src.get(payload);
                b.payload(payload);
                break;
            }
            int delta = readExt(src, head >>> 4, type, mid);
            int len = readExt(src, head & 0xF, type, mid);
            number += delta;
            if (number > 0xFFFF) {
                throw new CoapFormatException("option number " + number, type, mid);
            }
            if (src.remaining() < len) {
                throw new CoapFormatException("truncated option " + number, type, mid);
            }
            byte[] value = new byte[len];
            src.get(value);
            opts.add(new CoapOption(number, value));
        }
        for (CoapOption o : opts) {
            b.option(o);
        }
        return b.build();
    }

    private static int readExt(ByteBuffer src, int nib, MessageType type, int mid) throws CoapFormatException {
        if (nib < 13) {
            return nib;
        }
        if (nib == 15) {
            throw new CoapFormatException("reserved option nibble 15", type, mid);
        }
        int need = nib == 13 ? 1 : 2;
        if (src.remaining() < need) {
            throw new CoapFormatException("truncated option header", type, mid);
        }
        return nib == 13 ? (src.get() & 0xFF) + 13 : (src.getShort() & 0xFFFF) + 269;
    }
}
