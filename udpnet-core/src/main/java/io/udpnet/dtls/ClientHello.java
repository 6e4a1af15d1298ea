package io.udpnet.dtls;

import java.nio.ByteBuffer;

/**
 * A flyweight reader of the first record of a datagram as a DTLS ClientHello (RFC 6347 sections 4.1, 4.2.2 and
 * 4.3.2): record header, handshake header, and the fields the stateless cookie covers. It copies nothing; the
 * offsets it keeps point into the datagram it last parsed, which must stay unchanged while they are used.
 *
 * <p>Only a whole, unfragmented ClientHello in epoch 0 is accepted: a server without state cannot reassemble
 * fragments, and a ClientHello that does not fit one datagram is refused (clients keep it under the path MTU).
 * {@link #parse} never throws, whatever the bytes.
 */
public final class ClientHello {
    /** Content type of handshake records. */
    static final int CONTENT_HANDSHAKE = 22;
    /** Handshake type of a ClientHello. */
    static final int TYPE_CLIENT_HELLO = 1;
    /** Handshake type of a HelloVerifyRequest. */
    static final int TYPE_HELLO_VERIFY_REQUEST = 3;
    /** Bytes of a DTLS record header: type, version, epoch, sequence number (48 bits), length. */
    static final int RECORD_HEADER = 13;
    /** Bytes of a DTLS handshake header: type, length, message_seq, fragment_offset, fragment_length. */
    static final int HANDSHAKE_HEADER = 12;
    /** Largest cookie DTLS 1.2 allows. */
    static final int MAX_COOKIE = 255;

    private ByteBuffer buf;
    private int recordVersion;
    private long recordSequence;
    private int messageSeq;
    private int bodyOffset;
    private int bodyLength;
    private int sessionIdOffset;
    private int cookieOffset;
    private int cookieLength;
    private int suitesOffset;
    private int fieldsEnd;

    /**
     * Reads {@code datagram} (position..limit, not consumed) as a ClientHello.
     *
     * @param datagram the bytes
     * @return true when its first record is a whole ClientHello in epoch 0 whose fields are well formed
     */
    public boolean parse(ByteBuffer datagram) {
        buf = null;
        int p = datagram.position();
        int end = datagram.limit();
        if (end - p < RECORD_HEADER + HANDSHAKE_HEADER) {
            return false;
        }
        if (u8(datagram, p) != CONTENT_HANDSHAKE || u8(datagram, p + 1) != 0xfe || u16(datagram, p + 3) != 0) {
            return false;
        }
        int recordLength = u16(datagram, p + 11);
        if (recordLength > end - p - RECORD_HEADER) {
            return false;
        }
        int h = p + RECORD_HEADER;
        int hEnd = h + recordLength;
        if (recordLength < HANDSHAKE_HEADER || u8(datagram, h) != TYPE_CLIENT_HELLO) {
            return false;
        }
        int length = u24(datagram, h + 1);
        int fragmentOffset = u24(datagram, h + 6);
        int fragmentLength = u24(datagram, h + 9);
        if (fragmentOffset != 0 || fragmentLength != length || length > hEnd - h - HANDSHAKE_HEADER) {
            return false;
        }
        int b = h + HANDSHAKE_HEADER;
        int bEnd = b + length;
        // client_version(2) random(32) session_id<0..32> cookie<0..255> cipher_suites<2..> compression<1..>
        int q = b + 2 + 32;
        if (q + 1 > bEnd) {
            return false;
        }
        int sidLen = u8(datagram, q);
        if (sidLen > 32 || q + 1 + sidLen + 1 > bEnd) {
            return false;
        }
        int sid = q;
        q += 1 + sidLen;
        int cLen = u8(datagram, q);
        if (q + 1 + cLen + 2 > bEnd) {
            return false;
        }
        int cookie = q + 1;
        q = cookie + cLen;
        int suitesLen = u16(datagram, q);
        if (suitesLen < 2 || (suitesLen & 1) != 0 || q + 2 + suitesLen + 1 > bEnd) {
            return false;
        }
        int suites = q;
        q += 2 + suitesLen;
        int compLen = u8(datagram, q);
        if (compLen < 1 || q + 1 + compLen > bEnd) {
            return false;
        }
        q += 1 + compLen;
        this.buf = datagram;
        this.recordVersion = u16(datagram, p + 1);
        this.recordSequence = ((long) u16(datagram, p + 5) << 32) | (u16(datagram, p + 7) & 0xffffL) << 16
                | u16(datagram, p + 9);
        this.messageSeq = u16(datagram, h + 4);
        this.bodyOffset = b;
        this.bodyLength = length;
        this.sessionIdOffset = sid;
        this.cookieOffset = cookie;
        this.cookieLength = cLen;
        this.suitesOffset = suites;
        this.fieldsEnd = q;
        return true;
    }

    /** @return the record's protocol version (0xfeff for DTLS 1.0, 0xfefd for DTLS 1.2) */
    public int recordVersion() {
        return recordVersion;
    }

    /** @return the record's 48-bit sequence number */
    public long recordSequence() {
        return recordSequence;
    }

    /** @return the handshake message_seq */
    public int messageSeq() {
        return messageSeq;
    }

    /** @return the cookie's length, 0 when the client sent none */
    public int cookieLength() {
        return cookieLength;
    }

    /** @return the absolute offset of the cookie in the parsed buffer */
    int cookieOffset() {
        return cookieOffset;
    }

    /** @return the parsed buffer, or null when the last parse failed */
    ByteBuffer buffer() {
        return buf;
    }

    /** @return the offset of client_version, where the fields covered by the cookie begin */
    int bodyOffset() {
        return bodyOffset;
    }

    /** @return the handshake body length */
    int bodyLength() {
        return bodyLength;
    }

    /** @return the offset of the session id's length byte; client_version..here is covered by the cookie */
    int sessionIdOffset() {
        return sessionIdOffset;
    }

    /** @return the offset of the cipher suites' length field, where the second covered span begins */
    int suitesOffset() {
        return suitesOffset;
    }

    /** @return the offset just after the compression methods, where the second covered span ends */
    int fieldsEnd() {
        return fieldsEnd;
    }

    /**
     * Writes the hello as the client's first one would have been: message_seq 0, no cookie, the record sequence
     * number one lower (so that the real one is not taken for a replay), every other byte the same. This is what a
     * JDK server engine must see first: it accepts nothing else as the start of a handshake.
     *
     * @param dst receives one record of {@link #recordLengthWithoutCookie()} bytes at its position
     */
    void writeWithoutCookie(ByteBuffer dst) {
        ByteBuffer b = buf;
        int p = bodyOffset - HANDSHAKE_HEADER - RECORD_HEADER;
        long seq = Math.max(0, recordSequence - 1);
        int length = bodyLength - cookieLength;
        dst.put(b.get(p)).putShort((short) recordVersion).putShort((short) 0)
                .putShort((short) (seq >>> 32)).putInt((int) seq)
                .putShort((short) (HANDSHAKE_HEADER + length));
        dst.put((byte) TYPE_CLIENT_HELLO).put((byte) (length >>> 16)).putShort((short) length)
                .putShort((short) 0)
                .put((byte) 0).putShort((short) 0)
                .put((byte) (length >>> 16)).putShort((short) length);
        dst.put(b.duplicate().limit(cookieOffset - 1).position(bodyOffset));
        dst.put((byte) 0);
        dst.put(b.duplicate().limit(bodyOffset + bodyLength).position(cookieOffset + cookieLength));
    }

    /** @return the bytes {@link #writeWithoutCookie} writes */
    int recordLengthWithoutCookie() {
        return RECORD_HEADER + HANDSHAKE_HEADER + bodyLength - cookieLength;
    }

    static int u8(ByteBuffer b, int i) {
        return b.get(i) & 0xff;
    }

    static int u16(ByteBuffer b, int i) {
        return (u8(b, i) << 8) | u8(b, i + 1);
    }

    static int u24(ByteBuffer b, int i) {
        return (u8(b, i) << 16) | u16(b, i + 1);
    }
}
