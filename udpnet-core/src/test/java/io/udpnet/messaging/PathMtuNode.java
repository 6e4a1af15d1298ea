package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.io.ServerMode;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One end of {@link PathMtuOnRealLinkTest}, run as its own JVM inside a network namespace. {@code server ADDRESS
 * PORT} echoes every message; {@code client ADDRESS PORT SECONDS} sends bursts of 100-byte reliable messages (packed
 * into full datagrams, so every datagram is as large as the connection allows), reads their echoes, and prints
 * {@code size S sent N echoed M} every 100 ms, then {@code done sent N echoed M}.
 */
public final class PathMtuNode {
    private static final ConnectionConfig CONFIG = ConnectionConfig.builder().maxDatagramSize(1472).build();

    private PathMtuNode() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        if (args[0].equals("server")) {
            serve(address);
        } else {
            run(address, Integer.parseInt(args[3]));
        }
    }

    private static void serve(InetSocketAddress address) throws Exception {
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().bindAddress(address)
                .mode(ServerMode.SHARED).connection(CONFIG).build())) {
            System.out.println("ready " + server.io());
            System.out.flush();
            MessageConnection c = server.accept();
            while (true) {
                Message m = c.receive();
                c.send(m.channel(), m.data());
            }
        } catch (ConnectionClosedException done) {
            // the client went away
        }
    }

    private static void run(InetSocketAddress server, int seconds) throws Exception {
        try (MessageClient client = MessageClient.open(CONFIG);
             MessageConnection c = client.connect(server)) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long nextReport = 0;
            long sent = 0;
            long echoed = 0;
            byte[] message = new byte[100];
            while (System.nanoTime() < end) {
                for (int i = 0; i < 40; i++) {
                    ByteBuffer b = ByteBuffer.wrap(message);
                    b.putLong(0, sent);
                    if (!c.send(0, b, Duration.ofMillis(5))) {
                        break;
                    }
                    sent++;
                }
                Message m;
                while ((m = c.receive(Duration.ZERO)) != null) {
                    if (ByteBuffer.wrap(m.data()).getLong(0) != echoed) {
                        throw new IllegalStateException("echo " + echoed + " out of order");
                    }
                    echoed++;
                }
                if (System.nanoTime() >= nextReport) {
                    ConnectionStats s = c.stats();
                    System.out.println("size " + (s == null ? 0 : s.datagramSize()) + " sent " + sent
                            + " echoed " + echoed);
                    System.out.flush();
                    nextReport = System.nanoTime() + 100_000_000L;
                }
                Thread.sleep(2);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (echoed < sent && System.nanoTime() < deadline) {
                if (c.receive(Duration.ofMillis(100)) != null) {
                    echoed++;
                }
            }
            System.out.println("done sent " + sent + " echoed " + echoed);
            System.out.flush();
        }
    }
}
