package io.udpnet.io;

/**
 * How a server (the raw {@code UdpServer}, {@code MessageServer}) maps remote peers onto sockets and threads. All modes offer the same API; they differ in
 * cost and in what the kernel does for you. See {@code docs/SERVER-MODES.md} for when to choose which.
 */
public enum ServerMode {
    /**
     * One unconnected socket and one I/O thread; peers are told apart by source address in user space. Cheapest in
     * sockets, scales to many peers, throughput limited by one thread.
     */
    SHARED,
    /**
     * N unconnected sockets on the same port with {@code SO_REUSEPORT}, one I/O thread each; the kernel spreads
     * peers over the sockets by their address, and each peer stays on one socket. Falls back to {@link #SHARED}
     * where {@code SO_REUSEPORT} is not supported.
     */
    SHARDED,
    /**
     * One listening socket plus one connected socket per peer (up to a cap): the kernel demultiplexes, each peer's
     * socket is read by the listener's I/O thread, and ICMP "port unreachable" is reported to the session. For tens to
     * hundreds of peers: the kernel's routing cost grows with the number of connected sockets on the port.
     */
    CONNECTED
}
