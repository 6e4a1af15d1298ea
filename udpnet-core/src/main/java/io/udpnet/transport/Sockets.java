package io.udpnet.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/** Opens and configures the server's datagram channels. */
final class Sockets {
    private Sockets() {
    }

    /**
     * Opens an unbound channel with the configured buffer sizes. The protocol family is left to the JDK: where IPv6
     * exists it is AF_INET6 even for IPv4 addresses, which is what makes the CONNECTED hand-off race-free (see
     * {@link ConnectedSockets}).
     */
    static DatagramChannel open(UdpServerConfig config, boolean reuseAddress, boolean reusePort) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            if (reuseAddress) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            if (reusePort) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (config.receiveBufferSize() > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, config.receiveBufferSize());
            }
            if (config.sendBufferSize() > 0) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, config.sendBufferSize());
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    static boolean supportsReusePort() {
        try (DatagramChannel probe = DatagramChannel.open()) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
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

    static SocketAddress localAddress(DatagramChannel ch) {
        try {
            return ch.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
