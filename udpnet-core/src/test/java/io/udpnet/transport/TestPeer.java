package io.udpnet.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A remote peer for tests: its own DatagramChannel on a loopback address, with receive time-outs. */
final class TestPeer implements AutoCloseable {
    final DatagramChannel channel;
    final InetSocketAddress server;

    TestPeer(InetSocketAddress server) throws IOException {
        this(server, InetAddress.getLoopbackAddress());
    }

    TestPeer(InetSocketAddress server, InetAddress bindAddress) throws IOException {
        this.server = server;
        this.channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(bindAddress, 0));
    }

    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    void send(byte[] data) throws IOException {
        channel.send(ByteBuffer.wrap(data), server);
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next datagram's bytes, or null after {@code timeout} without one. */
    byte[] receive(Duration timeout) throws IOException {
        channel.socket().setSoTimeout((int) Math.max(1, timeout.toMillis()));
        DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
        try {
            channel.socket().receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        byte[] out = new byte[p.getLength()];
        System.arraycopy(p.getData(), p.getOffset(), out, 0, p.getLength());
        return out;
    }

    String receiveText(Duration timeout) throws IOException {
        byte[] b = receive(timeout);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    static String text(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
