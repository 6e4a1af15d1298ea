package io.udpnet.wire;

import java.nio.ByteBuffer;

/**
 * Flyweight codec of the packets inside a data datagram. Each method takes the absolute offset of the packet.
 *
 * <pre>
 * PADDING  0 u8 type 0x00: every byte from here to the CRC is padding (zero)
 * MESSAGE  0 u8 type 0x01   1 u8 channel   2 u16 message sequence   4 u16 payload length   6 payload
 * FRAGMENT 0 u8 type 0x02   1 u8 channel   2 u16 message sequence   4 u16 payload length
 *          6 u16 fragment index   8 u16 fragment count (2..65535)   10 u32 message length   14 payload
 * PING     0 u8 type 0x20: no body; asks for an ack
 * DISCONNECT 0 u8 type 0x21   1 u8 reason code   2 u8 text length   3 text (UTF-8)
 * PATH_CHALLENGE 0 u8 type 0x22   1 u64 data (random)
 * PATH_RESPONSE  0 u8 type 0x23   1 u64 data (echoed from the challenge)
 * </pre>
 *
 * Fragment {@code i} of a message of length {@code L} split into {@code n} fragments starts at byte
 * {@code i * ceil(L / n)} of the message; every fragment but the last carries exactly {@code ceil(L / n)} bytes.
 */
public final class PacketHeader {
    /** Padding: every byte from here to the CRC is zero. */
    public static final int TYPE_PADDING = 0x00;
    /** A whole message. */
    public static final int TYPE_MESSAGE = 0x01;
    /** One fragment of a message too large for one packet. */
    public static final int TYPE_FRAGMENT = 0x02;
    /** A ping: no body, asks for an ack. */
    public static final int TYPE_PING = 0x20;
    /** The end of the connection, with a reason code and text. */
    public static final int TYPE_DISCONNECT = 0x21;
    /** Asks the peer to prove it receives at the address the datagram was sent to. */
    public static final int TYPE_PATH_CHALLENGE = 0x22;
    /** Echoes a PATH_CHALLENGE's data. */
    public static final int TYPE_PATH_RESPONSE = 0x23;
    /** Tells the peer that its datagrams up to a sequence were refused for lack of room, not lost on the path. */
    public static final int TYPE_BUSY = 0x24;

    /** Offset of the u8 channel, from the start of a MESSAGE or FRAGMENT packet. */
    public static final int CHANNEL_OFFSET = 1;
    /** Offset of the u16 message sequence number in a MESSAGE or FRAGMENT. */
    public static final int MESSAGE_SEQUENCE_OFFSET = 2;
    /** Offset of the u16 payload length in a MESSAGE or FRAGMENT. */
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    /** Offset of the u16 fragment index in a FRAGMENT. */
    public static final int FRAGMENT_INDEX_OFFSET = 6;
    /** Offset of the u16 fragment count in a FRAGMENT. */
    public static final int FRAGMENT_COUNT_OFFSET = 8;
    /** Offset of the u32 length of the whole message in a FRAGMENT. */
    public static final int MESSAGE_LENGTH_OFFSET = 10;
    /** Header size of a whole message. */
    public static final int MESSAGE_HEADER = 6;
    /** Header size of a fragment. */
    public static final int FRAGMENT_HEADER = 14;
    /** Size of a ping packet. */
    public static final int PING_SIZE = 1;
    /** Header size of a disconnect packet; the reason text follows. */
    public static final int DISCONNECT_HEADER = 3;
    /** Size of a PATH_CHALLENGE or PATH_RESPONSE packet: type and 8 bytes of data. */
    public static final int PATH_SIZE = 9;
    /** Size of a BUSY packet: type and the 16-bit sequence of the newest datagram refused. */
    public static final int BUSY_SIZE = 3;
    /** Most bytes of reason text in a disconnect packet. */
    public static final int MAX_DISCONNECT_TEXT = 255;

    private PacketHeader() {
    }

    /** Writes the header of a MESSAGE packet at {@code at}; the payload follows it. */
    public static void writeMessage(ByteBuffer b, int at, int channel, int sequence, int payloadLength) {
        Bytes.put8(b, at, TYPE_MESSAGE);
        Bytes.put8(b, at + CHANNEL_OFFSET, channel);
        Bytes.put16(b, at + MESSAGE_SEQUENCE_OFFSET, sequence);
        Bytes.put16(b, at + PAYLOAD_LENGTH_OFFSET, payloadLength);
    }

    /** Writes the header of a FRAGMENT packet at {@code at}; the payload follows it. */
    public static void writeFragment(ByteBuffer b, int at, int channel, int sequence, int payloadLength,
                                     int index, int count, int messageLength) {
        Bytes.put8(b, at, TYPE_FRAGMENT);
        Bytes.put8(b, at + CHANNEL_OFFSET, channel);
        Bytes.put16(b, at + MESSAGE_SEQUENCE_OFFSET, sequence);
        Bytes.put16(b, at + PAYLOAD_LENGTH_OFFSET, payloadLength);
        Bytes.put16(b, at + FRAGMENT_INDEX_OFFSET, index);
        Bytes.put16(b, at + FRAGMENT_COUNT_OFFSET, count);
        Bytes.put32(b, at + MESSAGE_LENGTH_OFFSET, messageLength);
    }

    /** Writes a DISCONNECT packet; {@code text} must be at most {@value #MAX_DISCONNECT_TEXT} bytes. */
    public static void writeDisconnect(ByteBuffer b, int at, int code, byte[] text) {
        Bytes.put8(b, at, TYPE_DISCONNECT);
        Bytes.put8(b, at + 1, code);
        Bytes.put8(b, at + 2, text.length);
        b.put(at + DISCONNECT_HEADER, text);
    }

    /** Writes a PATH_CHALLENGE or PATH_RESPONSE packet ({@code type}) carrying {@code data}. */
    public static void writePath(ByteBuffer b, int at, int type, long data) {
        Bytes.put8(b, at, type);
        Bytes.put64(b, at + 1, data);
    }

    /** Writes a BUSY packet naming the newest datagram sequence refused for lack of room. */
    public static void writeBusy(ByteBuffer b, int at, int refusedSequence) {
        Bytes.put8(b, at, TYPE_BUSY);
        Bytes.put16(b, at + 1, refusedSequence);
    }

    /** The datagram sequence a BUSY packet names. */
    public static int busySequence(ByteBuffer b, int at) {
        return Bytes.u16(b, at + 1);
    }

    /** The data of a PATH_CHALLENGE or PATH_RESPONSE packet. */
    public static long pathData(ByteBuffer b, int at) {
        return Bytes.i64(b, at + 1);
    }

    /** The reason code of a DISCONNECT packet. */
    public static int disconnectCode(ByteBuffer b, int at) {
        return Bytes.u8(b, at + 1);
    }

    /** The length in bytes of a DISCONNECT packet's reason text. */
    public static int disconnectTextLength(ByteBuffer b, int at) {
        return Bytes.u8(b, at + 2);
    }

    /** The type of the packet at {@code at}. */
    public static int type(ByteBuffer b, int at) {
        return Bytes.u8(b, at);
    }

    /** The channel of a MESSAGE or FRAGMENT packet. */
    public static int channel(ByteBuffer b, int at) {
        return Bytes.u8(b, at + CHANNEL_OFFSET);
    }

    /** The message sequence number of a MESSAGE or FRAGMENT packet. */
    public static int sequence(ByteBuffer b, int at) {
        return Bytes.u16(b, at + MESSAGE_SEQUENCE_OFFSET);
    }

    /** The payload length of a MESSAGE or FRAGMENT packet. */
    public static int payloadLength(ByteBuffer b, int at) {
        return Bytes.u16(b, at + PAYLOAD_LENGTH_OFFSET);
    }

    /** The index of a FRAGMENT within its message, from 0. */
    public static int fragmentIndex(ByteBuffer b, int at) {
        return Bytes.u16(b, at + FRAGMENT_INDEX_OFFSET);
    }

    /** The number of fragments of a FRAGMENT's message. */
    public static int fragmentCount(ByteBuffer b, int at) {
        return Bytes.u16(b, at + FRAGMENT_COUNT_OFFSET);
    }

    /** Message length as an unsigned value; callers bound it by their maximum message size. */
    public static long messageLength(ByteBuffer b, int at) {
        return Bytes.i32(b, at + MESSAGE_LENGTH_OFFSET) & 0xFFFF_FFFFL;
    }

    /** Bytes per fragment (all but the last) of a message of {@code messageLength} bytes in {@code count} parts. */
    public static int fragmentStride(int messageLength, int count) {
        return (int) (((long) messageLength + count - 1) / count);
    }
}
