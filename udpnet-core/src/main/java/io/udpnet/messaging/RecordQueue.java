package io.udpnet.messaging;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A FIFO of byte records (a tag, such as a channel, and a payload) in one array that grows when needed and is
 * compacted instead of wrapped, so every record is contiguous and can be handed out as a view without copying.
 * In steady state nothing is allocated. Not thread-safe: its owner guards it with a lock.
 */
final class RecordQueue {
    private static final int HEADER = 8;

    private byte[] buf;
    private ByteBuffer view;
    private int start;
    private int end;
    private int count;

    RecordQueue(int initialCapacity) {
        buf = new byte[Math.max(HEADER, initialCapacity)];
        view = ByteBuffer.wrap(buf);
    }

    boolean isEmpty() {
        return count == 0;
    }

    int count() {
        return count;
    }

    /** Bytes held, headers included. */
    int bytes() {
        return end - start;
    }

    /** Appends {@code length} bytes of {@code src} from absolute index {@code offset}; src is not changed. */
    void add(int tag, ByteBuffer src, int offset, int length) {
        reserve(HEADER + length);
        putInt(end, tag);
        putInt(end + 4, length);
        if (src.hasArray()) {
            System.arraycopy(src.array(), src.arrayOffset() + offset, buf, end + HEADER, length);
        } else {
            src.get(offset, buf, end + HEADER, length);
        }
        end += HEADER + length;
        count++;
    }

    /** Appends {@code src}'s bytes between position and limit; src is not changed. */
    void add(int tag, ByteBuffer src) {
        add(tag, src, src.position(), src.remaining());
    }

    /** The first record's tag; only when not empty. */
    int peekTag() {
        return getInt(start);
    }

    /** The first record's payload as a view (position..limit), valid until the queue is next changed. */
    ByteBuffer peek() {
        int length = getInt(start + 4);
        view.limit(start + HEADER + length).position(start + HEADER);
        return view;
    }

    /** The first record's payload, copied. */
    byte[] peekCopy() {
        int length = getInt(start + 4);
        return Arrays.copyOfRange(buf, start + HEADER, start + HEADER + length);
    }

    void remove() {
        int length = getInt(start + 4);
        start += HEADER + length;
        if (--count == 0) {
            start = 0;
            end = 0;
        }
    }

    void clear() {
        start = 0;
        end = 0;
        count = 0;
    }

    private void reserve(int n) {
        if (end + n <= buf.length) {
            return;
        }
        int live = end - start;
        if (live + n > buf.length) {
            byte[] bigger = new byte[Math.max(buf.length * 2, live + n)];
            System.arraycopy(buf, start, bigger, 0, live);
            buf = bigger;
            view = ByteBuffer.wrap(buf);
        } else {
            System.arraycopy(buf, start, buf, 0, live);
        }
        start = 0;
        end = live;
    }

    private void putInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    private int getInt(int at) {
        return (buf[at] & 0xFF) << 24 | (buf[at + 1] & 0xFF) << 16 | (buf[at + 2] & 0xFF) << 8 | buf[at + 3] & 0xFF;
    }
}
