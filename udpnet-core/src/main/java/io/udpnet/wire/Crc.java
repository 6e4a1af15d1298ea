package io.udpnet.wire;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The CRC32C trailer of unencrypted datagrams. One instance per thread: it reuses a {@link CRC32C}, whose JDK
 * implementation uses the CPU's CRC instructions, and allocates nothing.
 */
public final class Crc {
    private final CRC32C crc = new CRC32C();

    /** CRC32C of bytes {@code [0, length)} of {@code b}, leaving its position and limit unchanged. */
    public int compute(ByteBuffer b, int length) {
        int position = b.position();
        int limit = b.limit();
        crc.reset();
        b.limit(length).position(0);
        crc.update(b);
        b.limit(limit).position(position);
        return (int) crc.getValue();
    }

    /** Writes the CRC of bytes {@code [0, length - 4)} into the last four bytes {@code [length - 4, length)}. */
    public void seal(ByteBuffer b, int length) {
        b.putInt(length - WireFormat.CRC_SIZE, compute(b, length - WireFormat.CRC_SIZE));
    }

    /** Whether the last four bytes of {@code [0, length)} hold the CRC of the bytes before them. */
    public boolean verify(ByteBuffer b, int length) {
        return length >= WireFormat.CRC_SIZE
                && b.getInt(length - WireFormat.CRC_SIZE) == compute(b, length - WireFormat.CRC_SIZE);
    }
}
