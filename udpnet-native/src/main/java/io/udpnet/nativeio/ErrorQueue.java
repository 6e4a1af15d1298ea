package io.udpnet.nativeio;

import io.udpnet.io.PathError;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * Reads a socket's error queue (IP_RECVERR / IPV6_RECVERR, {@code MSG_ERRQUEUE}) and turns each
 * {@code sock_extended_err} into a {@link PathError}. The peer is the destination of the datagram the error is about,
 * which the kernel returns as the message's address, so this works on unconnected sockets too.
 */
final class ErrorQueue {
    private static final int ICMP_DEST_UNREACH = 3;
    private static final int ICMP_PORT_UNREACH = 3;
    private static final int ICMP_FRAG_NEEDED = 4;
    private static final int ICMP6_DST_UNREACH = 1;
    private static final int ICMP6_PKT_TOOBIG = 2;
    private static final int ICMP6_PORT_UNREACH = 4;

    private final int fd;
    private final MemorySegment errno;
    private final SockAddr addresses;
    private final MsgHdrs msg;
    private final MemorySegment scratch;

    ErrorQueue(Arena arena, int fd, MemorySegment errno, SockAddr addresses) {
        this.fd = fd;
        this.errno = errno;
        this.addresses = addresses;
        this.msg = new MsgHdrs(arena, 1, Cmsg.ERROR_SPACE);
        // The datagram that caused the error comes back too; its bytes are not needed.
        this.scratch = arena.allocate(64, 8);
        msg.iov(0, scratch.address(), scratch.byteSize());
    }

    /**
     * Reports everything queued.
     *
     * @param fallback the peer to name when the kernel names none (a connected socket's peer), or null
     * @return the errors reported
     */
    int drain(PathError.Handler errors, InetSocketAddress fallback) {
        int reported = 0;
        while (true) {
            msg.message(0, 0, 1, SockAddr.MAX_BYTES, Cmsg.ERROR_SPACE);
            long n = Syscalls.recvmsg(errno, fd, msg.msgs, Linux.MSG_ERRQUEUE | Linux.MSG_DONTWAIT);
            if (n < 0) {
                int e = Syscalls.errno(errno);
                if (e == Linux.EINTR) {
                    continue;
                }
                return reported;
            }
            PathError error = parse(fallback);
            if (error != null) {
                errors.onPathError(error);
                reported++;
            }
        }
    }

    private PathError parse(InetSocketAddress fallback) {
        MemorySegment ctl = msg.controls();
        int ctlLen = msg.controlLength(0);
        long ee = Cmsg.find(ctl, 0, ctlLen, Linux.SOL_IPV6, Linux.IPV6_RECVERR);
        if (ee < 0) {
            ee = Cmsg.find(ctl, 0, ctlLen, Linux.SOL_IP, Linux.IP_RECVERR);
        }
        if (ee < 0) {
            return null;
        }
        InetSocketAddress peer = null;
        int nameLen = msg.nameLength(0);
        if (nameLen > 0) {
            peer = addresses.read(msg.names(), 0, nameLen);
        }
        if (peer == null) {
            peer = fallback;
        }
        if (peer == null) {
            return null;
        }
        int eeErrno = ctl.get(ValueLayout.JAVA_INT, ee + Cmsg.EE_ERRNO);
        int origin = ctl.get(ValueLayout.JAVA_BYTE, ee + Cmsg.EE_ORIGIN) & 0xff;
        int type = ctl.get(ValueLayout.JAVA_BYTE, ee + Cmsg.EE_TYPE) & 0xff;
        int code = ctl.get(ValueLayout.JAVA_BYTE, ee + Cmsg.EE_CODE) & 0xff;
        int info = ctl.get(ValueLayout.JAVA_INT, ee + Cmsg.EE_INFO);
        return toError(peer, eeErrno, origin, type, code, info);
    }

    /** Maps the fields of a sock_extended_err. */
    static PathError toError(InetSocketAddress peer, int eeErrno, int origin, int type, int code, int info) {
        int mtu = Math.max(info, 0);
        if (origin == Linux.SO_EE_ORIGIN_ICMP) {
            if (type != ICMP_DEST_UNREACH) {
                return new PathError(peer, PathError.Kind.OTHER, 0);
            }
            return switch (code) {
                case ICMP_PORT_UNREACH -> new PathError(peer, PathError.Kind.PORT_UNREACHABLE, 0);
                case ICMP_FRAG_NEEDED -> new PathError(peer, PathError.Kind.MESSAGE_TOO_BIG, mtu);
                default -> new PathError(peer, PathError.Kind.HOST_UNREACHABLE, 0);
            };
        }
        if (origin == Linux.SO_EE_ORIGIN_ICMP6) {
            if (type == ICMP6_PKT_TOOBIG) {
                return new PathError(peer, PathError.Kind.MESSAGE_TOO_BIG, mtu);
            }
            if (type == ICMP6_DST_UNREACH) {
                return new PathError(peer, code == ICMP6_PORT_UNREACH
                        ? PathError.Kind.PORT_UNREACHABLE : PathError.Kind.HOST_UNREACHABLE, 0);
            }
            return new PathError(peer, PathError.Kind.OTHER, 0);
        }
        return fromErrno(peer, eeErrno, mtu);
    }

    /** A local error (or a send's errno) as a path error. */
    static PathError fromErrno(InetSocketAddress peer, int errno, int mtu) {
        return switch (errno) {
            case Linux.EMSGSIZE -> new PathError(peer, PathError.Kind.MESSAGE_TOO_BIG, mtu);
            case Linux.ECONNREFUSED -> new PathError(peer, PathError.Kind.PORT_UNREACHABLE, 0);
            case Linux.EHOSTUNREACH, Linux.ENETUNREACH -> new PathError(peer, PathError.Kind.HOST_UNREACHABLE, 0);
            default -> new PathError(peer, PathError.Kind.OTHER, 0);
        };
    }
}
