package io.udpnet.dtls;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A one-client UDP forwarder for tests: client ↔ this ↔ server, with a hook that may change or drop each datagram.
 * The hook gets the direction (true: towards the server) and the datagram's number in that direction (from 1), and
 * returns the bytes to forward or null to drop.
 */
final class Forwarder implements AutoCloseable {
    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress server;
    private final Thread up;
    private final Thread down;
    private volatile InetSocketAddress client;
    final AtomicInteger dropped = new AtomicInteger();

    Forwarder(InetSocketAddress server, BiFunction<Boolean, Integer, java.util.function.UnaryOperator<byte[]>> hook)
            throws IOException {
        this.server = server;
        this.front = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        this.back = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        front.setSoTimeout(100);
        back.setSoTimeout(100);
        this.up = Thread.ofPlatform().daemon().start(() -> pump(true, hook));
        this.down = Thread.ofPlatform().daemon().start(() -> pump(false, hook));
    }

    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    private void pump(boolean toServer, BiFunction<Boolean, Integer, java.util.function.UnaryOperator<byte[]>> hook) {
        DatagramSocket from = toServer ? front : back;
        DatagramSocket to = toServer ? back : front;
        byte[] buf = new byte[65536];
        int count = 0;
        while (!from.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                from.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            if (toServer) {
                client = (InetSocketAddress) p.getSocketAddress();
            }
            count++;
            byte[] d = Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
            byte[] out = hook.apply(toServer, count).apply(d);
            if (out == null) {
                dropped.incrementAndGet();
                continue;
            }
            InetSocketAddress target = toServer ? server : client;
            if (target == null) {
                continue;
            }
            try {
                to.send(new DatagramPacket(out, out.length, target));
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        front.close();
        back.close();
        up.join(2000);
        down.join(2000);
    }
}
