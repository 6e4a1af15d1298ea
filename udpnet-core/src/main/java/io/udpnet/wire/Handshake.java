package io.udpnet.wire;

import java.nio.ByteBuffer;

/**
 * Flyweight codec of the connection-control datagrams (kinds {@code 0x10}..{@code 0x14}). Every one starts with the
 * same four bytes as a data datagram (protocol id, version, kind) and ends with a CRC32C of everything before it.
 * Offsets are absolute from index 0; nothing allocates.
 *
 * <pre>
 * REQUEST   (client, padded to 1200 bytes)   4 u8 min version  5 u8 max version  6 u16 0  8 u64 nonce
 *                                            16 u32 config digest  20 shared settings (16 + channels bytes)
 *                                            .. zero padding  1196 u32 CRC32C
 * CHALLENGE (server, 44 bytes)               4 u8 version  5..7 0  8 u64 nonce  16 cookie (24 bytes)  40 u32 CRC
 * RESPONSE  (client, padded to 1200 bytes)   4 u8 version  5 u8 0  6 u16 payload length  8 u64 nonce
 *                                            16 cookie (24 bytes)  40 u32 config digest  44 payload  .. padding
 *                                            1196 u32 CRC
 * ACCEPT    (server, 44 bytes)               4 u8 version  5..7 0  8 u64 nonce  16 u64 token
 *                                            24 reset proof (16 bytes, see {@link StatelessReset})  40 u32 CRC
 * REJECT    (server, 20 + text bytes)        4 u8 reason  5 u8 min version  6 u8 max version  7 u8 text length
 *                                            8 u64 nonce  16 text (UTF-8)  16+n u32 CRC
 * </pre>
 * REQUEST and REJECT keep this layout in every version of the protocol, so that version negotiation always works.
 * Byte 2 of every control datagram is the sender's version (for REQUEST its highest, for REJECT the server's
 * highest); receivers read the version fields from byte 4 on instead. Zero fields and padding are written as zeros
 * and not checked: the CRC already rejects damage.
 */
public final class Handshake {
    /** Kind of the client's first datagram, asking for a connection. */
    public static final byte KIND_REQUEST = 0x10;
    /** Kind of the server's stateless answer to a REQUEST, carrying a cookie. */
    public static final byte KIND_CHALLENGE = 0x11;
    /** Kind of the client's answer to a CHALLENGE: the cookie echoed, and the payload. */
    public static final byte KIND_RESPONSE = 0x12;
    /** Kind of the server's acceptance, carrying the connection token. */
    public static final byte KIND_ACCEPT = 0x13;
    /** Kind of the server's refusal, with a reason code and text. */
    public static final byte KIND_REJECT = 0x14;

    /** Size of REQUEST and RESPONSE: the smallest datagram every path must carry, so replies never amplify. */
    public static final int PADDED_SIZE = WireFormat.MIN_DATAGRAM_SIZE;
    /** Size of the cookie a CHALLENGE carries and a RESPONSE echoes. */
    public static final int COOKIE_SIZE = 24;
    /** Size of a CHALLENGE datagram. */
    public static final int CHALLENGE_SIZE = 44;
    /** Size of an ACCEPT datagram. */
    public static final int ACCEPT_SIZE = 44;
    /** Most UTF-8 bytes of reason text in a REJECT. */
    public static final int MAX_REASON_TEXT = 200;
    /** Most bytes of application payload a RESPONSE carries. */
    public static final int MAX_PAYLOAD = PADDED_SIZE - 44 - WireFormat.CRC_SIZE;

    /** Offset of the u8 version in CHALLENGE, RESPONSE and ACCEPT. */
    public static final int VERSION_OFFSET = 4;
    /** Offset of the u8 lowest version the client speaks, in a REQUEST. */
    public static final int MIN_VERSION_OFFSET = 4;
    /** Offset of the u8 highest version the client speaks, in a REQUEST. */
    public static final int MAX_VERSION_OFFSET = 5;
    /** Offset of the u16 payload length in a RESPONSE. */
    public static final int PAYLOAD_LENGTH_OFFSET = 6;
    /** Offset of the u64 nonce the client chose; every handshake datagram carries it. */
    public static final int NONCE_OFFSET = 8;
    /** Offset of the u32 configuration digest in a REQUEST. */
    public static final int DIGEST_OFFSET = 16;
    /** Where a REQUEST carries the client's {@link SharedSettings}. */
    public static final int SETTINGS_OFFSET = 20;
    /** Offset of the cookie in CHALLENGE and RESPONSE. */
    public static final int COOKIE_OFFSET = 16;
    /** Offset of the u32 configuration digest in a RESPONSE. */
    public static final int RESPONSE_DIGEST_OFFSET = 40;
    /** Offset of the application payload in a RESPONSE. */
    public static final int PAYLOAD_OFFSET = 44;
    /** Offset of the u64 connection token in an ACCEPT. */
    public static final int TOKEN_OFFSET = 16;
    /** Offset of the 16-byte stateless reset proof in an ACCEPT. */
    public static final int RESET_PROOF_OFFSET = 24;
    /** Offset of the u8 reason code in a REJECT. */
    public static final int REASON_OFFSET = 4;
    /** Offset of the u8 lowest version the server speaks, in a REJECT. */
    public static final int REJECT_MIN_VERSION_OFFSET = 5;
    /** Offset of the u8 highest version the server speaks, in a REJECT. */
    public static final int REJECT_MAX_VERSION_OFFSET = 6;
    /** Offset of the u8 reason text length in a REJECT. */
    public static final int TEXT_LENGTH_OFFSET = 7;
    /** Offset of the UTF-8 reason text in a REJECT. */
    public static final int TEXT_OFFSET = 16;

    private Handshake() {
    }

    private static void prefix(ByteBuffer b, int version, byte kind, int length) {
        for (int i = 0; i < length; i++) {
            b.put(i, (byte) 0);
        }
        b.putShort(0, WireFormat.PROTOCOL_ID);
        b.put(2, (byte) version);
        b.put(3, kind);
    }

    /**
     * Writes a REQUEST (1200 bytes, CRC included) carrying the client's {@link SharedSettings} and their digest;
     * returns its length.
     */
    public static int writeRequest(ByteBuffer b, int minVersion, int maxVersion, long nonce, byte[] settings,
                                   Crc crc) {
        prefix(b, maxVersion, KIND_REQUEST, PADDED_SIZE);
        b.put(MIN_VERSION_OFFSET, (byte) minVersion);
        b.put(MAX_VERSION_OFFSET, (byte) maxVersion);
        b.putLong(NONCE_OFFSET, nonce);
        b.putInt(DIGEST_OFFSET, SharedSettings.digest(settings));
        b.put(SETTINGS_OFFSET, settings);
        crc.seal(b, PADDED_SIZE);
        return PADDED_SIZE;
    }

    /** Writes a CHALLENGE carrying {@code cookie} (24 bytes from {@code cookieAt} in {@code cookie}). */
    public static int writeChallenge(ByteBuffer b, int version, long nonce, byte[] cookie, Crc crc) {
        prefix(b, version, KIND_CHALLENGE, CHALLENGE_SIZE);
        b.put(VERSION_OFFSET, (byte) version);
        b.putLong(NONCE_OFFSET, nonce);
        b.put(COOKIE_OFFSET, cookie, 0, COOKIE_SIZE);
        crc.seal(b, CHALLENGE_SIZE);
        return CHALLENGE_SIZE;
    }

    /** Writes a RESPONSE echoing the cookie found at {@code COOKIE_OFFSET} of {@code challenge}. */
    public static int writeResponse(ByteBuffer b, int version, long nonce, ByteBuffer challenge, int configDigest,
                                    ByteBuffer payload, Crc crc) {
        int n = payload.remaining();
        if (n > MAX_PAYLOAD) {
            throw new IllegalArgumentException("connect payload of " + n + " bytes exceeds " + MAX_PAYLOAD);
        }
        prefix(b, version, KIND_RESPONSE, PADDED_SIZE);
        b.put(VERSION_OFFSET, (byte) version);
        b.putShort(PAYLOAD_LENGTH_OFFSET, (short) n);
        b.putLong(NONCE_OFFSET, nonce);
        b.put(COOKIE_OFFSET, challenge, COOKIE_OFFSET, COOKIE_SIZE);
        b.putInt(RESPONSE_DIGEST_OFFSET, configDigest);
        b.put(PAYLOAD_OFFSET, payload, payload.position(), n);
        crc.seal(b, PADDED_SIZE);
        return PADDED_SIZE;
    }

    /** Writes an ACCEPT; {@code resetProof[0, 16)} is the proof a stateless reset of this token will carry. */
    public static int writeAccept(ByteBuffer b, int version, long nonce, long token, byte[] resetProof, Crc crc) {
        prefix(b, version, KIND_ACCEPT, ACCEPT_SIZE);
        b.put(VERSION_OFFSET, (byte) version);
        b.putLong(NONCE_OFFSET, nonce);
        b.putLong(TOKEN_OFFSET, token);
        b.put(RESET_PROOF_OFFSET, resetProof, 0, StatelessReset.PROOF_SIZE);
        crc.seal(b, ACCEPT_SIZE);
        return ACCEPT_SIZE;
    }

    /** Writes a REJECT; the text is cut to {@value #MAX_REASON_TEXT} bytes. */
    public static int writeReject(ByteBuffer b, int reason, int minVersion, int maxVersion, long nonce, byte[] text,
                                  Crc crc) {
        int n = Math.min(text.length, MAX_REASON_TEXT);
        int length = TEXT_OFFSET + n + WireFormat.CRC_SIZE;
        prefix(b, maxVersion, KIND_REJECT, length);
        b.put(REASON_OFFSET, (byte) reason);
        b.put(REJECT_MIN_VERSION_OFFSET, (byte) minVersion);
        b.put(REJECT_MAX_VERSION_OFFSET, (byte) maxVersion);
        b.put(TEXT_LENGTH_OFFSET, (byte) n);
        b.putLong(NONCE_OFFSET, nonce);
        b.put(TEXT_OFFSET, text, 0, n);
        crc.seal(b, length);
        return length;
    }

    /** The exact length a control datagram of {@code kind} must have, or -1 for REJECT (variable) and unknown kinds. */
    public static int expectedLength(int kind) {
        return switch (kind) {
            case KIND_REQUEST, KIND_RESPONSE -> PADDED_SIZE;
            case KIND_CHALLENGE -> CHALLENGE_SIZE;
            case KIND_ACCEPT -> ACCEPT_SIZE;
            default -> -1;
        };
    }

    /**
     * Whether {@code b[0, length)} is a well-formed control datagram: protocol id, a known control kind, the right
     * length, a correct CRC. The version byte is not checked here (negotiation needs to see other versions).
     */
    public static boolean wellFormed(ByteBuffer b, int length, Crc crc) {
        if (length < 8 || (b.getShort(0) & 0xFFFF) != (WireFormat.PROTOCOL_ID & 0xFFFF)) {
            return false;
        }
        int kind = b.get(3) & 0xFF;
        int expected = expectedLength(kind);
        if (kind == KIND_REJECT) {
            expected = length >= TEXT_OFFSET + WireFormat.CRC_SIZE
                    ? TEXT_OFFSET + (b.get(TEXT_LENGTH_OFFSET) & 0xFF) + WireFormat.CRC_SIZE : -1;
        }
        if (expected != length || !crc.verify(b, length)) {
            return false;
        }
        return kind != KIND_RESPONSE || (b.getShort(PAYLOAD_LENGTH_OFFSET) & 0xFFFF) <= MAX_PAYLOAD;
    }

    /** The kind of the handshake datagram at index 0. */
    public static int kind(ByteBuffer b) {
        return b.get(3) & 0xFF;
    }

    /** The nonce of the handshake datagram at index 0. */
    public static long nonce(ByteBuffer b) {
        return b.getLong(NONCE_OFFSET);
    }
}
