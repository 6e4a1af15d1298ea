package io.udpnet.wire;

/**
 * Constants of the udpnet wire format, version 1. Every multi-byte field is big-endian. The layout is specified
 * byte by byte in {@code docs/PROTOCOL.md}; the offsets here are the single source of truth for the codecs.
 */
public final class WireFormat {
    /** First two bytes of every udpnet datagram: ASCII "UN". Anything else is stray traffic. */
    public static final short PROTOCOL_ID = 0x554E;
    /** The protocol version this code speaks. */
    public static final byte VERSION = 1;

    /** Datagram kind: data (packets and acks on an established connection). */
    public static final byte KIND_DATA = 0x01;
    /** First datagram kind reserved for connection control (handshake). */
    public static final byte KIND_CONTROL_FIRST = 0x10;
    /** Last datagram kind reserved for connection control (handshake). */
    public static final byte KIND_CONTROL_LAST = 0x1F;

    /** Smallest datagram size a connection may be configured with (also the default). */
    public static final int MIN_DATAGRAM_SIZE = 1200;
    /** Default maximum datagram size, chosen to pass IPv4 and IPv6 paths without fragmentation. */
    public static final int DEFAULT_DATAGRAM_SIZE = 1200;
    /** Largest UDP payload on a 1500-byte IPv4 path (1500 - 20 IP - 8 UDP). */
    public static final int MAX_DATAGRAM_SIZE_IPV4 = 1472;
    /** Largest UDP payload on a 1500-byte IPv6 path (1500 - 40 IP - 8 UDP). */
    public static final int MAX_DATAGRAM_SIZE_IPV6 = 1452;

    /** Size of the CRC32C trailer of an unencrypted data datagram. */
    public static final int CRC_SIZE = 4;
    /** Value of the ack-delay field meaning "nothing received yet: the ack fields carry no information". */
    public static final int ACK_DELAY_NONE = 0xFFFF;
    /** The ack-delay field counts units of this many nanoseconds (16 microseconds). */
    public static final int ACK_DELAY_UNIT_NANOS = 16_000;

    private WireFormat() {
    }
}
