package io.udpnet.coap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link DatagramPipe} over a plain UDP socket connected to the peer ({@code coap://}). The kernel then hands it
 * only that peer's datagrams.
 */
public final class UdpDatagramPipe implements DatagramPipe {
    private final DatagramSocket socket;
    private final byte[] receiveBuffer = new byte[65_535];
    private final Object receiveLock = new Object();

    private UdpDatagramPipe(DatagramSocket socket) {
        this.socket = socket;
    }

    /**
     * Opens a socket on an ephemeral port and connects it to {@code peer}.
     *
     * @param peer the server
     * @return the pipe
     * @throws IOException when no socket can be made or the address is unresolved
     */
    public static UdpDatagramPipe connect(InetSocketAddress peer) throws IOException {
        Objects.requireNonNull(peer, "peer");
        if (peer.isUnresolved()) {
            throw new IOException("unresolved address " + peer);
        }
        DatagramSocket s = new DatagramSocket();
        try {
            s.connect(peer);
        } catch (RuntimeException | IOException e) {
            s.close();
            throw e;
        }
        return new UdpDatagramPipe(s);
    }

    /**
     * Returns the local address the socket is bound to.
     *
     * @return the local address the socket is bound to
     */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void send(ByteBuffer datagram) throws IOException {
        byte[] b = new byte[datagram.remaining()];
        datagram.get(b);
        socket.send(new DatagramPacket(b, b.length));
    }

    @Override
    public int receive(ByteBuffer dst, Duration timeout) throws IOException {
        long ms = Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        synchronized (receiveLock) {
            DatagramPacket p = new DatagramPacket(receiveBuffer, receiveBuffer.length);
            socket.setSoTimeout((int) ms);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return -1;
            }
            int n = Math.min(p.getLength(), dst.remaining());
            dst.put(receiveBuffer, 0, n);
            return n;
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
