package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageClientConfig;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A bulk transfer between a {@link MessageClient} and a {@link MessageServer} on loopback, reported by measures that
 * do not move with the machine's load: datagrams per send and receive call, poller waits per datagram, CPU time and
 * heap allocation per message of each I/O thread, datagrams per message. The rate is printed too, for what it is
 * worth on a shared machine.
 *
 * <pre>bin/bench --main io.udpnet.bench.BulkProbe [--io nio|native] [--size BYTES] [--seconds S] [--rounds N]
 * [--datagram 1200..1472]</pre>
 */
public final class BulkProbe {
    private BulkProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args see the class comment
     * @throws Exception when something fails
     */
    public static void main(String[] args) throws Exception {
        String ioName = "nio";
        int size = 1 << 20;
        int seconds = 3;
        int rounds = 3;
        int datagram = 1200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--io" -> ioName = args[i + 1];
                case "--size" -> size = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--datagram" -> datagram = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        DatagramIo base = ioName.equals("nio") ? DatagramIo.nio() : DatagramIo.defaultIo();
        CountingIo serverIo = new CountingIo(base);
        CountingIo clientIo = new CountingIo(base);
        ConnectionConfig config = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED)
                .maxDatagramSize(datagram).build();
        AtomicLong received = new AtomicLong();
        MessageConnectionListener counter = (c, channel, m) -> received.incrementAndGet();
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARED).connection(config)
                .listener(counter).io(serverIo).build());
             MessageClient client = MessageClient.open(MessageClientConfig.builder().connection(config)
                     .io(clientIo).build())) {
            MessageConnection connection = client.connect(server.localAddress(), ByteBuffer.allocate(0),
                    (c, ch, m) -> { });
            System.out.println("io " + server.io() + ", " + size + "-byte messages, " + config.maxDatagramSize()
                    + "-byte datagrams at most");
            ByteBuffer message = ByteBuffer.allocate(size);
            for (int round = 0; round <= rounds; round++) {
                serverIo.take();
                clientIo.take();
                ConnectionStats before = connection.stats();
                Map<String, long[]> threads0 = threads();
                long r0 = received.get();
                long t0 = System.nanoTime();
                long end = t0 + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    if (!connection.trySend(0, message.clear())) {
                        LockSupport.parkNanos(20_000);
                    }
                }
                long t1 = System.nanoTime();
                long messages = received.get() - r0;
                ConnectionStats after = connection.stats();
                Map<String, long[]> threads1 = threads();
                String label = round == 0 ? "warm-up" : "round " + round;
                System.out.printf(Locale.ROOT, "%s: %.1f MB/s, %,d messages (%,d retransmitted, %,d lost), srtt %d us, "
                                + "datagram %d B%n", label, messages * (double) size * 1e3 / (t1 - t0), messages,
                        after.retransmissions() - before.retransmissions(),
                        after.datagramsLost() - before.datagramsLost(), after.smoothedRttNanos() / 1000,
                        after.datagramSize());
                System.out.println("  client I/O: " + clientIo.take());
                System.out.println("  server I/O: " + serverIo.take());
                System.out.println("  server sockets: " + server.stats().sockets() + "; client: " + client.stats());
                for (Map.Entry<String, long[]> e : threads1.entrySet()) {
                    long[] a = e.getValue();
                    long[] b = threads0.getOrDefault(e.getKey(), new long[2]);
                    if (messages > 0 && a[0] - b[0] > 10_000_000L) {
                        System.out.printf(Locale.ROOT, "  thread %s: %.1f%% of a core, %,.3f us CPU and %,.1f B "
                                        + "allocated per message%n", e.getKey(), (a[0] - b[0]) * 100.0 / (t1 - t0),
                                (a[0] - b[0]) / 1e3 / messages, (double) (a[1] - b[1]) / messages);
                    }
                }
            }
        }
    }

    /** CPU nanoseconds and allocated bytes of every live thread, by name. */
    private static Map<String, long[]> threads() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, long[]> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            out.put(t.getName(), new long[] {mx.getThreadCpuTime(t.threadId()), mx.getThreadAllocatedBytes(t.threadId())});
        }
        return out;
    }
}
