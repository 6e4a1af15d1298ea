package io.udpnet.io;

/**
 * How a {@link UdpSocket} is opened.
 *
 * @param receiveBufferBytes SO_RCVBUF asked for; 0 keeps the system's default. The kernel may grant less (Linux caps
 *                           it at {@code net.core.rmem_max}); {@link UdpSocket#receiveBufferBytes()} tells
 * @param sendBufferBytes    SO_SNDBUF asked for; 0 keeps the system's default
 * @param reuseAddress       SO_REUSEADDR
 * @param reusePort          SO_REUSEPORT (sockets of one port share its datagrams by the peer's address)
 * @param dontFragment       set the don't-fragment bit on IPv4 and forbid local fragmentation on IPv6, so that a
 *                           datagram larger than the path fails instead of travelling as IP fragments: what path MTU
 *                           discovery needs
 */
public record SocketOptions(int receiveBufferBytes, int sendBufferBytes, boolean reuseAddress, boolean reusePort,
                            boolean dontFragment) {

    /**
     * Checks the sizes.
     *
     * @param receiveBufferBytes see the class comment
     * @param sendBufferBytes    see the class comment
     * @param reuseAddress       see the class comment
     * @param reusePort          see the class comment
     * @param dontFragment       see the class comment
     */
    public SocketOptions {
        if (receiveBufferBytes < 0 || sendBufferBytes < 0) {
            throw new IllegalArgumentException("socket buffer sizes must be >= 0: " + receiveBufferBytes + ", "
                    + sendBufferBytes);
        }
    }

    /**
     * Plain options: the given buffer sizes, no reuse, don't-fragment set.
     *
     * @param bufferBytes SO_RCVBUF and SO_SNDBUF; 0 for the system's defaults
     * @return the options
     */
    public static SocketOptions buffers(int bufferBytes) {
        return new SocketOptions(bufferBytes, bufferBytes, false, false, true);
    }

    /**
     * These options with the given reuse flags.
     *
     * @param address SO_REUSEADDR
     * @param port    SO_REUSEPORT
     * @return the new options
     */
    public SocketOptions reuse(boolean address, boolean port) {
        return new SocketOptions(receiveBufferBytes, sendBufferBytes, address, port, dontFragment);
    }
}
