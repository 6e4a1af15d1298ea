package io.udpnet.wire;

import java.nio.ByteBuffer;

/**
 * Flyweight codec of the data datagram header. Reads and writes at absolute offsets from index 0 of the buffer, so
 * it never moves the buffer's position and never allocates.
 *
 * <pre>
 *  0  u16 protocol id (0x554E)      2  u8 version      3  u8 kind (0x01 = data)
 *  4  u64 connection token
 * 12  u16 datagram sequence        14  u16 ack (latest sequence received)
 * 16  u64 ack bits: bit i set = sequence (ack - 1 - i) received
 * 24  u16 ack delay in 16 µs units (0xFFFF = no ack information yet)
 * 26  packets ...                  n-4 u32 CRC32C of bytes 0 .. n-5
 * </pre>
 */
public final class DataHeader {
    public static final int PROTOCOL_ID_OFFSET = 0;
    public static final int VERSION_OFFSET = 2;
    public static final int KIND_OFFSET = 3;
    public static final int TOKEN_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 12;
    public static final int ACK_OFFSET = 14;
    public static final int ACK_BITS_OFFSET = 16;
    public static final int ACK_DELAY_OFFSET = 24;
    /** Size of the header; packets start here. */
    public static final int LENGTH = 26;
    /** Header plus CRC trailer: the smallest valid data datagram (one that carries only acks). */
    public static final int OVERHEAD = LENGTH + WireFormat.CRC_SIZE;

    private DataHeader() {
    }

    /** Writes the whole header at index 0. */
    public static void write(ByteBuffer b, long token, int sequence, int ack, long ackBits, int ackDelay) {
        // Protocol id, version and kind in one store.
        Bytes.put32(b, PROTOCOL_ID_OFFSET, WireFormat.PROTOCOL_ID << 16 | WireFormat.VERSION << 8 | WireFormat.KIND_DATA);
        Bytes.put64(b, TOKEN_OFFSET, token);
        Bytes.put16(b, SEQUENCE_OFFSET, sequence);
        Bytes.put16(b, ACK_OFFSET, ack);
        Bytes.put64(b, ACK_BITS_OFFSET, ackBits);
        Bytes.put16(b, ACK_DELAY_OFFSET, ackDelay);
    }

    public static int protocolId(ByteBuffer b) {
        return Bytes.u16(b, PROTOCOL_ID_OFFSET);
    }

    public static int version(ByteBuffer b) {
        return Bytes.u8(b, VERSION_OFFSET);
    }

    public static int kind(ByteBuffer b) {
        return Bytes.u8(b, KIND_OFFSET);
    }

    public static long token(ByteBuffer b) {
        return Bytes.i64(b, TOKEN_OFFSET);
    }

    public static int sequence(ByteBuffer b) {
        return Bytes.u16(b, SEQUENCE_OFFSET);
    }

    public static int ack(ByteBuffer b) {
        return Bytes.u16(b, ACK_OFFSET);
    }

    public static long ackBits(ByteBuffer b) {
        return Bytes.i64(b, ACK_BITS_OFFSET);
    }

    public static int ackDelay(ByteBuffer b) {
        return Bytes.u16(b, ACK_DELAY_OFFSET);
    }
}
