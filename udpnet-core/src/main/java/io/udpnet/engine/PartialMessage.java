package io.udpnet.engine;

import io.udpnet.wire.PacketHeader;

import java.nio.ByteBuffer;

/**
 * One message being put together from its fragments, or one whole message held until it may be delivered. The
 * object is reused for message after message; its buffer comes from, and goes back to, a {@link BufferPool}.
 */
final class PartialMessage {
    int seq;
    int length;
    int count;
    private int stride;
    private int received;
    private long[] bits = new long[1];
    private ByteBuffer buffer;

    /** Starts a fragmented message of {@code length} bytes in {@code count} fragments. */
    void start(int seq, int length, int count, ByteBuffer buffer) {
        this.seq = seq;
        this.length = length;
        this.count = count;
        this.stride = PacketHeader.fragmentStride(length, count);
        this.received = 0;
        this.buffer = buffer;
        int words = (count + 63) >>> 6;
        if (bits.length < words) {
            bits = new long[words];
        } else {
            java.util.Arrays.fill(bits, 0, words, 0L);
        }
    }

    /** Holds a whole message: copies {@code len} bytes of {@code src} from {@code at} into {@code buffer}. */
    void hold(int seq, ByteBuffer src, int at, int len, ByteBuffer buffer) {
        start(seq, len, 1, buffer);
        buffer.put(0, src, at, len);
        received = 1;
    }

    /** Whether a fragment of message length {@code length} in {@code count} parts belongs with this one. */
    boolean matches(int length, int count) {
        return this.length == length && this.count == count;
    }

    /**
     * Adds fragment {@code index} (already validated against length and count). Returns false if it was already
     * there.
     */
    boolean add(int index, ByteBuffer src, int at, int len) {
        long bit = 1L << (index & 63);
        int word = index >>> 6;
        if ((bits[word] & bit) != 0) {
            return false;
        }
        bits[word] |= bit;
        received++;
        buffer.put(index * stride, src, at, len);
        return true;
    }

    boolean complete() {
        return received == count;
    }

    /** The assembled bytes, from index 0 to {@link #length}. */
    ByteBuffer buffer() {
        return buffer;
    }

    /** Detaches and returns the buffer, leaving this object free for the next message. */
    ByteBuffer takeBuffer() {
        ByteBuffer b = buffer;
        buffer = null;
        return b;
    }
}
