package io.udpnet.engine;

import io.udpnet.wire.PacketHeader;

import java.nio.ByteBuffer;

/**
 * One message being put together from its fragments, or one whole message held until it may be delivered. The
 * object is reused for message after message; its buffers come from, and go back to, a {@link BufferPool}.
 *
 * <p>A fragmented message is stored in chunks of at most {@value #CHUNK_BYTES} bytes, each taken when the first
 * fragment that lands in it arrives. Memory held for a message therefore follows what the peer has actually sent,
 * not the length it declared: one fragment of a message said to be 1 MiB long costs one chunk, not 1 MiB. A message
 * that fits in one chunk is delivered from that chunk; a larger one is copied into a single buffer once complete.
 * The caller charges {@link #chunkBytesFor} to its budget before {@link #add} and gives back {@link #held} when the
 * message is delivered or abandoned.
 */
final class PartialMessage {
    static final int CHUNK_BYTES = 16 * 1024;

    int seq;
    int length;
    int count;
    private int stride;
    private int perChunk;
    private int received;
    private long held;
    private long[] bits = new long[1];
    private ByteBuffer[] chunks = new ByteBuffer[1];

    /** Starts a fragmented message of {@code length} bytes in {@code count} fragments; no memory is taken yet. */
    void start(int seq, int length, int count) {
        this.seq = seq;
        this.length = length;
        this.count = count;
        this.stride = PacketHeader.fragmentStride(length, count);
        this.perChunk = Math.max(1, CHUNK_BYTES / Math.max(1, stride));
        this.received = 0;
        this.held = 0;
        int words = (count + 63) >>> 6;
        if (bits.length < words) {
            bits = new long[words];
        } else {
            java.util.Arrays.fill(bits, 0, words, 0L);
        }
        int chunkCount = (count + perChunk - 1) / perChunk;
        if (chunks.length < chunkCount) {
            chunks = new ByteBuffer[chunkCount];
        }
    }

    /** Holds a whole message: copies {@code len} bytes of {@code src} from {@code at} into {@code buffer}. */
    void hold(int seq, ByteBuffer src, int at, int len, ByteBuffer buffer) {
        this.seq = seq;
        this.length = len;
        this.count = 1;
        this.stride = len;
        this.perChunk = 1;
        buffer.put(0, src, at, len);
        chunks[0] = buffer;
        bits[0] = 1;
        received = 1;
        held = len;
    }

    /** Whether a fragment of message length {@code length} in {@code count} parts belongs with this one. */
    boolean matches(int length, int count) {
        return this.length == length && this.count == count;
    }

    /** Whether fragment {@code index} is already here. */
    boolean has(int index) {
        return (bits[index >>> 6] & (1L << (index & 63))) != 0;
    }

    /** The bytes that adding fragment {@code index} would take: the size of its chunk if that is not held yet, else 0. */
    int chunkBytesFor(int index) {
        int c = index / perChunk;
        return chunks[c] != null ? 0 : chunkLength(c);
    }

    /**
     * Adds fragment {@code index} (already validated against length and count, and not {@link #has held} yet),
     * taking its chunk from {@code pool} if needed.
     */
    void add(int index, ByteBuffer src, int at, int len, BufferPool pool) {
        int c = index / perChunk;
        ByteBuffer chunk = chunks[c];
        if (chunk == null) {
            int n = chunkLength(c);
            chunk = pool.acquire(n);
            chunks[c] = chunk;
            held += n;
        }
        bits[index >>> 6] |= 1L << (index & 63);
        received++;
        chunk.put((index - c * perChunk) * stride, src, at, len);
    }

    boolean complete() {
        return received == count;
    }

    /** Bytes of buffer held for this message, to give back to the budget when it is delivered or abandoned. */
    long held() {
        return held;
    }

    /**
     * Detaches the complete message as one buffer holding bytes 0 to {@link #length}, leaving this object free for
     * the next message. The buffer goes back to the pool after delivery.
     */
    ByteBuffer takeMessage(BufferPool pool) {
        int chunkCount = chunkCount();
        ByteBuffer whole;
        if (chunkCount == 1) {
            whole = chunks[0];
        } else {
            whole = pool.acquire(length);
            int chunkSize = perChunk * stride;
            for (int c = 0; c < chunkCount; c++) {
                whole.put(c * chunkSize, chunks[c], 0, chunkLength(c));
                pool.release(chunks[c]);
            }
        }
        java.util.Arrays.fill(chunks, 0, chunkCount, null);
        held = 0;
        return whole;
    }

    /** Gives every chunk back to {@code pool}, for a message abandoned or cleared. */
    void release(BufferPool pool) {
        int chunkCount = chunkCount();
        for (int c = 0; c < chunkCount; c++) {
            if (chunks[c] != null) {
                pool.release(chunks[c]);
                chunks[c] = null;
            }
        }
        held = 0;
    }

    private int chunkCount() {
        return (count + perChunk - 1) / perChunk;
    }

    private int chunkLength(int c) {
        return Math.min(perChunk * stride, length - c * perChunk * stride);
    }
}
