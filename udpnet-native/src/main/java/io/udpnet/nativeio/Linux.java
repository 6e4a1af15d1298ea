package io.udpnet.nativeio;

/** Constants of the Linux socket interface, the same on x86_64 and aarch64 (the only platforms this runs on). */
final class Linux {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;

    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_REUSEPORT = 15;
    static final int SO_RXQ_OVFL = 40;

    static final int SOL_IP = 0;
    static final int IP_MTU_DISCOVER = 10;
    static final int IP_RECVERR = 11;
    static final int IP_MTU = 14;
    static final int IP_PMTUDISC_DO = 2;

    static final int SOL_IPV6 = 41;
    static final int IPV6_MTU_DISCOVER = 23;
    static final int IPV6_MTU = 24;
    static final int IPV6_RECVERR = 25;
    static final int IPV6_V6ONLY = 26;
    static final int IPV6_DONTFRAG = 62;
    static final int IPV6_PMTUDISC_DO = 2;

    static final int SOL_UDP = 17;
    static final int UDP_SEGMENT = 103;
    static final int UDP_GRO = 104;

    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_ERRQUEUE = 0x2000;

    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int EINVAL = 22;
    static final int EMSGSIZE = 90;
    static final int EAFNOSUPPORT = 97;
    static final int ENETUNREACH = 101;
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;

    static final int SO_EE_ORIGIN_LOCAL = 1;
    static final int SO_EE_ORIGIN_ICMP = 2;
    static final int SO_EE_ORIGIN_ICMP6 = 3;

    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLLIN = 0x1;
    static final int EPOLLERR = 0x8;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    /** The kernel's limits on one UDP_SEGMENT send: segments, and bytes of UDP payload in total. */
    static final int GSO_MAX_SEGMENTS = 64;
    static final int GSO_MAX_BYTES = 65_507;

    private Linux() {
    }

    /** @return the C library's name for an error number, for messages */
    static String errorName(int errno) {
        return switch (errno) {
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case EAGAIN -> "EAGAIN";
            case EINVAL -> "EINVAL";
            case EMSGSIZE -> "EMSGSIZE";
            case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case ENETUNREACH -> "ENETUNREACH";
            case ECONNREFUSED -> "ECONNREFUSED";
            case EHOSTUNREACH -> "EHOSTUNREACH";
            case 98 -> "EADDRINUSE";
            case 99 -> "EADDRNOTAVAIL";
            case 9 -> "EBADF";
            case 13 -> "EACCES";
            default -> "errno " + errno;
        };
    }
}
