package io.udpnet.sim;

import java.nio.ByteBuffer;

/**
 * Self-checking message contents for traffic tests: message {@code i} of {@code n} bytes starts with {@code i} as a
 * big-endian int, followed by bytes that are a fixed function of {@code i} and their position. A receiver can then
 * tell which message it got and whether any byte differs from what was sent, without keeping copies.
 */
public final class MessagePattern {
    /** Smallest message the pattern supports: the index takes four bytes. */
    public static final int MIN_SIZE = 4;

    private MessagePattern() {
    }

    /** Writes message {@code index} of {@code size} bytes into {@code dst} from index 0 and sets its limit. */
    public static void fill(ByteBuffer dst, int index, int size) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("pattern messages need at least " + MIN_SIZE + " bytes, got " + size);
        }
        dst.clear().limit(size);
        dst.putInt(0, index);
        for (int i = MIN_SIZE; i < size; i++) {
            dst.put(i, byteAt(index, i));
        }
    }

    /** The index a message claims to be, or -1 when it is too short to carry one. */
    public static int index(ByteBuffer src, int offset, int length) {
        return length < MIN_SIZE ? -1 : src.getInt(offset);
    }

    /** Whether bytes {@code [offset, offset + length)} are exactly message {@code index} of {@code expectedSize}. */
    public static boolean matches(ByteBuffer src, int offset, int length, int index, int expectedSize) {
        if (length != expectedSize || index(src, offset, length) != index) {
            return false;
        }
        for (int i = MIN_SIZE; i < length; i++) {
            if (src.get(offset + i) != byteAt(index, i)) {
                return false;
            }
        }
        return true;
    }

    private static byte byteAt(int index, int position) {
        int h = index * 0x9E3779B1 + position * 0x85EBCA77;
        h ^= h >>> 15;
        h *= 0x2C1B3C6D;
        return (byte) (h ^ (h >>> 13));
    }
}
