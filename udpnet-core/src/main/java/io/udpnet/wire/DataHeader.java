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
    /** Offset of the u16 protocol id. */
    public static final int PROTOCOL_ID_OFFSET = 0;
    /** Offset of the u8 protocol version. */
    public static final int VERSION_OFFSET = 2;
    /** Offset of the u8 datagram kind. */
    public static final int KIND_OFFSET = 3;
    /** Offset of the u64 connection token. */
    public static final int TOKEN_OFFSET = 4;
    /** Offset of the u16 datagram sequence number. */
    public static final int SEQUENCE_OFFSET = 12;
    /** Offset of the u16 ack: the latest sequence number received. */
    public static final int ACK_OFFSET = 14;
    /** Offset of the u64 ack bits, one per sequence number before the ack. */
    public static final int ACK_BITS_OFFSET = 16;
    /** Offset of the u16 ack delay, in 16 µs units. */
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

    /** The protocol id of the datagram at index 0 ({@link WireFormat#PROTOCOL_ID} when it is udpnet's). */
    public static int protocolId(ByteBuffer b) {
        return Bytes.u16(b, PROTOCOL_ID_OFFSET);
    }

    /** The protocol version of the datagram at index 0. */
    public static int version(ByteBuffer b) {
        return Bytes.u8(b, VERSION_OFFSET);
    }

    /** The kind of the datagram at index 0 ({@link WireFormat#KIND_DATA} for data). */
    public static int kind(ByteBuffer b) {
        return Bytes.u8(b, KIND_OFFSET);
    }

    /** The connection token of the datagram at index 0. */
    public static long token(ByteBuffer b) {
        return Bytes.i64(b, TOKEN_OFFSET);
    }

    /** The datagram sequence number of the datagram at index 0. */
    public static int sequence(ByteBuffer b) {
        return Bytes.u16(b, SEQUENCE_OFFSET);
    }

    /** The latest sequence number the sender of the datagram at index 0 had received. */
    public static int ack(ByteBuffer b) {
        return Bytes.u16(b, ACK_OFFSET);
    }

    /** The ack bits: bit i set means sequence number (ack - 1 - i) was received. */
    public static long ackBits(ByteBuffer b) {
        return Bytes.i64(b, ACK_BITS_OFFSET);
    }

    /** The ack delay in 16 µs units; 0xFFFF when the sender had no ack information yet. */
    public static int ackDelay(ByteBuffer b) {
        return Bytes.u16(b, ACK_DELAY_OFFSET);
    }
}
