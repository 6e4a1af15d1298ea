package io.udpnet.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Big-endian reads and writes at absolute indexes of a buffer, for the codecs' hot paths. On a heap buffer they go
 * straight to the backing array through byte-array view handles, which the JIT compiles to plain loads and stores;
 * {@code ByteBuffer}'s own absolute accessors add a memory-session check per call that costs about a tenth of the
 * engine's time per message. Other buffers (direct, read-only) use the {@code ByteBuffer} accessors.
 *
 * <p>Like the {@code ByteBuffer} methods they replace, these check the index against the buffer's capacity (the
 * array's length), not its limit: callers check lengths against the datagram first, as every codec here does.
 */
final class Bytes {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    static int u8(ByteBuffer b, int i) {
        return b.hasArray() ? b.array()[b.arrayOffset() + i] & 0xFF : b.get(i) & 0xFF;
    }

    static int u16(ByteBuffer b, int i) {
        return b.hasArray() ? (short) SHORT.get(b.array(), b.arrayOffset() + i) & 0xFFFF : b.getShort(i) & 0xFFFF;
    }

    static int i32(ByteBuffer b, int i) {
        return b.hasArray() ? (int) INT.get(b.array(), b.arrayOffset() + i) : b.getInt(i);
    }

    static long i64(ByteBuffer b, int i) {
        return b.hasArray() ? (long) LONG.get(b.array(), b.arrayOffset() + i) : b.getLong(i);
    }

    static void put8(ByteBuffer b, int i, int v) {
        if (b.hasArray()) {
            b.array()[b.arrayOffset() + i] = (byte) v;
        } else {
            b.put(i, (byte) v);
        }
    }

    static void put16(ByteBuffer b, int i, int v) {
        if (b.hasArray()) {
            SHORT.set(b.array(), b.arrayOffset() + i, (short) v);
        } else {
            b.putShort(i, (short) v);
        }
    }

    static void put32(ByteBuffer b, int i, int v) {
        if (b.hasArray()) {
            INT.set(b.array(), b.arrayOffset() + i, v);
        } else {
            b.putInt(i, v);
        }
    }

    static void put64(ByteBuffer b, int i, long v) {
        if (b.hasArray()) {
            LONG.set(b.array(), b.arrayOffset() + i, v);
        } else {
            b.putLong(i, v);
        }
    }
}
