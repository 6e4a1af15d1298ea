package io.udpnet.coap;

import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.MessageCodec;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A bare UDP socket speaking CoAP by hand, to send exactly the bytes a test wants. */
final class RawPeer implements AutoCloseable {
    private final DatagramSocket socket;

    RawPeer(InetSocketAddress server) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
        socket.connect(server);
    }

    void send(CoapMessage m) throws IOException {
        sendRaw(MessageCodec.encode(m));
    }

    void sendRaw(byte[] b) throws IOException {
        socket.send(new DatagramPacket(b, b.length));
    }

    /** The next datagram's bytes, or null after {@code ms} without one. */
    byte[] receiveRaw(int ms) throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.setSoTimeout(ms);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buf, p.getLength());
    }

    CoapMessage receive(int ms) throws Exception {
        byte[] b = receiveRaw(ms);
        if (b == null) {
            throw new AssertionError("no datagram within " + ms + " ms");
        }
        return MessageCodec.decode(ByteBuffer.wrap(b));
    }

    @Override
    public void close() {
        socket.close();
    }
}
