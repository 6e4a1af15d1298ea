package io.udpnet.io;


import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/**
 * UDP I/O on JDK NIO, for every platform and JDK 21: one system call per datagram, direct buffers only (so the JDK
 * makes no hidden copy), ICMP errors only on connected sockets, and a connect that must first drain the socket by
 * hand because the JDK's own connect discards what it holds.
 */
final class NioDatagramIo implements DatagramIo {
    /** The one instance. */
    static final NioDatagramIo INSTANCE = new NioDatagramIo();

    private final boolean reusePort = probeReusePort();

    private NioDatagramIo() {
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public UdpSocket open(SocketOptions options) throws IOException {
        return NioUdpSocket.open(options);
    }

    @Override
    public Poller openPoller() throws IOException {
        return new NioPoller();
    }

    @Override
    public boolean connectKeepsQueued() {
        return false;
    }

    @Override
    public boolean reportsErrorsUnconnected() {
        return false;
    }

    @Override
    public boolean countsKernelDrops() {
        return false;
    }

    @Override
    public boolean supportsReusePort() {
        return reusePort;
    }

    private static boolean probeReusePort() {
        try (DatagramChannel probe = DatagramChannel.open()) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
