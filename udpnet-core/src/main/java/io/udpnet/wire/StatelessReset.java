package io.udpnet.wire;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * The stateless reset (kind {@code 0x15}): what a server sends in answer to a data datagram whose token it does not
 * know, so that the client of a server that restarted or lost its state closes at once instead of after its idle
 * time-out. The proof is the first 16 bytes of {@code HMAC-SHA256(reset key, token)}: the server gave it to the
 * client in the ACCEPT, and only a holder of the key can make it again for that token without having kept any state.
 *
 * <pre>
 *  0 u16 protocol id  2 u8 version  3 u8 kind 0x15  4 u64 token (of the datagram answered)  12 proof (16 bytes)
 * </pre>
 * 28 bytes and no CRC (the proof already covers the token): smaller than the smallest data datagram (30 bytes), so
 * a reset can never amplify traffic and is never itself answered. An instance holds one key; not thread-safe.
 */
public final class StatelessReset {
    /** Kind of a stateless reset. */
    public static final byte KIND_RESET = 0x15;
    /** Size of a stateless reset datagram. */
    public static final int SIZE = 28;
    /** Size of the proof. */
    public static final int PROOF_SIZE = 16;
    /** Size of the reset key. */
    public static final int KEY_SIZE = 32;
    /** Offset of the u64 token. */
    public static final int TOKEN_OFFSET = 4;
    /** Offset of the proof. */
    public static final int PROOF_OFFSET = 12;

    private final Mac mac;
    private final byte[] input = new byte[8];
    private final byte[] digest = new byte[32];

    /** A proof maker for {@code key} ({@value #KEY_SIZE} bytes; copied). */
    public StatelessReset(byte[] key) {
        if (key.length != KEY_SIZE) {
            throw new IllegalArgumentException("reset key: " + KEY_SIZE + " bytes expected, got " + key.length);
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
        }
    }

    /** Writes the proof for {@code token} into {@code out[0, 16)}. */
    public void proof(long token, byte[] out) {
        ByteBuffer.wrap(input).putLong(0, token);
        mac.update(input);
        try {
            mac.doFinal(digest, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        System.arraycopy(digest, 0, out, 0, PROOF_SIZE);
    }

    /** Writes the reset for {@code token} into {@code b} from index 0 and returns its length, {@value #SIZE}. */
    public int write(ByteBuffer b, long token, byte[] scratch) {
        proof(token, scratch);
        b.putShort(0, WireFormat.PROTOCOL_ID);
        b.put(2, WireFormat.VERSION);
        b.put(3, KIND_RESET);
        b.putLong(TOKEN_OFFSET, token);
        b.put(PROOF_OFFSET, scratch, 0, PROOF_SIZE);
        return SIZE;
    }

    /**
     * Whether {@code b[0, length)} is a reset of {@code token} carrying {@code proof} (16 bytes, as two big-endian
     * longs), compared in constant time.
     */
    public static boolean matches(ByteBuffer b, int length, long token, long proofHigh, long proofLow) {
        if (length != SIZE || (b.getShort(0) & 0xFFFF) != (WireFormat.PROTOCOL_ID & 0xFFFF)
                || b.get(3) != KIND_RESET || b.getLong(TOKEN_OFFSET) != token) {
            return false;
        }
        long diff = (b.getLong(PROOF_OFFSET) ^ proofHigh) | (b.getLong(PROOF_OFFSET + 8) ^ proofLow);
        return diff == 0;
    }
}
