package io.udpnet.nativeio;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * Control messages ({@code struct cmsghdr}) as glibc's CMSG_* macros lay them out on LP64: a 16-byte header, data
 * aligned to 8. Reading walks a control buffer; writing builds the one UDP_SEGMENT message a GSO send needs.
 */
final class Cmsg {
    /** struct cmsghdr. */
    static final StructLayout CMSGHDR = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("cmsg_len"),
            ValueLayout.JAVA_INT.withName("cmsg_level"),
            ValueLayout.JAVA_INT.withName("cmsg_type"));
    /** struct sock_extended_err; the offender's sockaddr follows it. */
    static final StructLayout SOCK_EXTENDED_ERR = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("ee_errno"),
            ValueLayout.JAVA_BYTE.withName("ee_origin"),
            ValueLayout.JAVA_BYTE.withName("ee_type"),
            ValueLayout.JAVA_BYTE.withName("ee_code"),
            ValueLayout.JAVA_BYTE.withName("ee_pad"),
            ValueLayout.JAVA_INT.withName("ee_info"),
            ValueLayout.JAVA_INT.withName("ee_data"));

    static final long LEN = CMSGHDR.byteOffset(groupElement("cmsg_len"));
    static final long LEVEL = CMSGHDR.byteOffset(groupElement("cmsg_level"));
    static final long TYPE = CMSGHDR.byteOffset(groupElement("cmsg_type"));
    static final long HEADER = CMSGHDR.byteSize();
    static final long EE_ERRNO = SOCK_EXTENDED_ERR.byteOffset(groupElement("ee_errno"));
    static final long EE_ORIGIN = SOCK_EXTENDED_ERR.byteOffset(groupElement("ee_origin"));
    static final long EE_TYPE = SOCK_EXTENDED_ERR.byteOffset(groupElement("ee_type"));
    static final long EE_CODE = SOCK_EXTENDED_ERR.byteOffset(groupElement("ee_code"));
    static final long EE_INFO = SOCK_EXTENDED_ERR.byteOffset(groupElement("ee_info"));

    /** Bytes a UDP_SEGMENT control message takes: CMSG_SPACE(sizeof(uint16_t)). */
    static final int SEGMENT_SPACE = space(2);
    /** Room for what a receive may carry (UDP_GRO's gso_size, SO_RXQ_OVFL's counter) and one more, to spare. */
    static final int RECEIVE_SPACE = space(4) * 3;
    /** Room for an IP(V6)_RECVERR message: sock_extended_err and the offender's sockaddr_in6. */
    static final int ERROR_SPACE = space((int) SOCK_EXTENDED_ERR.byteSize() + SockAddr.MAX_BYTES);

    private Cmsg() {
    }

    /** CMSG_SPACE(n). */
    static int space(int n) {
        return (int) HEADER + align(n);
    }

    private static int align(int n) {
        return (n + 7) & ~7;
    }

    /**
     * Writes a UDP_SEGMENT control message at {@code at}.
     *
     * @return its space in bytes
     */
    static int writeSegment(MemorySegment seg, long at, int segmentSize) {
        seg.set(ValueLayout.JAVA_LONG, at + LEN, HEADER + 2);
        seg.set(ValueLayout.JAVA_INT, at + LEVEL, Linux.SOL_UDP);
        seg.set(ValueLayout.JAVA_INT, at + TYPE, Linux.UDP_SEGMENT);
        seg.set(ValueLayout.JAVA_SHORT, at + HEADER, (short) segmentSize);
        return SEGMENT_SPACE;
    }

    /**
     * Finds a control message in the {@code len} bytes at {@code at}.
     *
     * @return the offset of its data, or -1
     */
    static long find(MemorySegment seg, long at, int len, int level, int type) {
        long p = at;
        long end = at + len;
        while (p + HEADER <= end) {
            long cl = seg.get(ValueLayout.JAVA_LONG, p + LEN);
            if (cl < HEADER || p + cl > end) {
                return -1;
            }
            if (seg.get(ValueLayout.JAVA_INT, p + LEVEL) == level && seg.get(ValueLayout.JAVA_INT, p + TYPE) == type) {
                return p + HEADER;
            }
            p += align((int) cl);
        }
        return -1;
    }
}
