package io.udpnet.impair;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/** Opens and closes the relay's datagram channels. */
final class RelaySockets {
    private RelaySockets() {
    }

    /**
     * Opens an unbound channel with the given buffer sizes (0 leaves the system's default) and reuse options. The
     * protocol family is left to the JDK: where IPv6 exists it is AF_INET6 even for IPv4 addresses.
     */
    static DatagramChannel open(int receiveBuffer, int sendBuffer, boolean reuseAddress, boolean reusePort)
            throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            if (reuseAddress) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            if (reusePort) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (receiveBuffer > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
            }
            if (sendBuffer > 0) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }


    static void closeQuietly(DatagramChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // Closing a datagram socket cannot lose data; nothing useful to report.
        }
    }

    /** The channel's local address, or null once it is closed. */
    static SocketAddress localAddress(DatagramChannel ch) {
        try {
            return ch.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
