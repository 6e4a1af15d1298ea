package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageClientConfig;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;
import io.udpnet.impair.LinkConfig;
import io.udpnet.impair.ImpairmentRelay;
import io.udpnet.impair.RelayStats;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code loss} scenario for a udpnet peer: a server, a client, and between them an {@link ImpairmentRelay} that
 * drops each datagram towards the server with probability p (acks come back unharmed). The client sends
 * unreliable-sequenced messages of n fragments, each fragment filling a datagram (path MTU discovery off, so the
 * datagram size stays fixed), at {@code --rate} messages per second for {@code --duration} seconds per fragment
 * count; the server counts those that arrive whole. The theory is (1 - p)^n.
 */
final class LossRun {
    /** Loss probabilities measured. */
    static final double[] LOSS = {0.01, 0.05};
    /** Fragment counts measured. */
    static final int[] FRAGMENTS = {1, 2, 4, 8, 16, 32};
    /** Fixed, so that a run can be repeated; printed in the configuration. */
    static final long SEED = 42;
    private static final long STRAGGLER_NANOS = 200_000_000;

    /** One fragment count at one loss probability. */
    record Cell(double loss, int fragments, long sent, long delivered, long relayLost, long relayOtherDrops) {
        double rate() {
            return sent == 0 ? Double.NaN : (double) delivered / sent;
        }

        double theory() {
            return Math.pow(1 - loss, fragments);
        }
    }

    private LossRun() {
    }

    /** The configuration of the connection, as the report states it. */
    static ConnectionConfig config() {
        return ConnectionConfig.builder().channels(Delivery.UNRELIABLE_SEQUENCED).pathMtuDiscovery(false).build();
    }

    static List<String> configuration(DatagramIo io, ConnectionConfig c) {
        return List.of("I/O: " + io.name() + "; MessageServer SHARED and MessageClient on 127.0.0.1, an "
                        + "ImpairmentRelay between them (seed " + SEED + "), loss only towards the server",
                "channel UNRELIABLE_SEQUENCED, path MTU discovery off: " + c.maxDatagramSize() + "-byte datagrams, "
                        + "fragment payload " + c.maxFragmentPayload() + " B (a message of 1 fragment: "
                        + c.maxWholePayload() + " B, unfragmented)",
                "fragment counts " + java.util.Arrays.toString(FRAGMENTS) + " at loss " + LOSS[0] + " and " + LOSS[1]);
    }

    /** Measures every cell once for the udpnet peer on {@code io}, adding to {@code result}. */
    static void measure(DatagramIo io, BenchRun.Options o, PeerResult result, Progress progress, boolean counted)
            throws IOException, InterruptedException {
        ConnectionConfig config = config();
        for (int li = 0; li < LOSS.length; li++) {
            Counter counter = new Counter();
            try (MessageServer server = MessageServer.open(MessageServerConfig.builder()
                    .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARED).connection(config)
                    .listener(counter).io(io).build());
                 ImpairmentRelay relay = ImpairmentRelay.builder(server.localAddress())
                         .listen(new InetSocketAddress("127.0.0.1", 0)).seed(SEED)
                         .toServer(LinkConfig.builder().loss(LOSS[li]).build()).open();
                 MessageClient client = MessageClient.open(MessageClientConfig.builder().connection(config).io(io)
                         .build())) {
                MessageConnection c = client.connect(relay.localAddress());
                for (int fi = 0; fi < FRAGMENTS.length; fi++) {
                    int n = FRAGMENTS[fi];
                    int size = n == 1 ? config.maxWholePayload() : n * config.maxFragmentPayload();
                    RelayStats.Direction before = relay.stats().toServer();
                    long d0 = counter.delivered.get();
                    long sent = send(c, size, o);
                    Thread.sleep(STRAGGLER_NANOS / 1_000_000);
                    long delivered = counter.delivered.get() - d0;
                    RelayStats.Direction after = relay.stats().toServer();
                    Cell cell = new Cell(LOSS[li], n, sent, delivered, after.lost() - before.lost(),
                            after.queueDropped() + after.heldDropped() + after.sendFailed()
                                    - before.queueDropped() - before.heldDropped() - before.sendFailed());
                    if (counted) {
                        result.add(cell);
                    }
                    progress.step("loss %s%s p=%.2f, %d fragments: %,d of %,d delivered (%.4f, theory %.4f); relay "
                                    + "lost %,d datagrams, dropped %,d more", result.peer, counted ? "" : " (warm-up)",
                            LOSS[li], n, delivered, sent, cell.rate(), cell.theory(), cell.relayLost(),
                            cell.relayOtherDrops());
                }
            }
        }
    }

    /** Sends messages of {@code size} bytes on the rate's schedule for the duration; returns how many. */
    private static long send(MessageConnection c, int size, BenchRun.Options o) throws IOException {
        ByteBuffer m = ByteBuffer.allocate(size);
        long count = (long) o.rate() * o.durationSeconds();
        long interval = 1_000_000_000L / o.rate();
        IdleStrategy idle = o.idle().create();
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long due = start + i * interval;
            long left;
            while ((left = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
            m.clear();
            m.putLong(0, i);
            idle.reset();
            while (!c.trySend(0, m)) {
                idle.idle();
            }
        }
        return count;
    }

    /** The server's listener: counts whole messages. */
    private static final class Counter implements MessageConnectionListener {
        final AtomicLong delivered = new AtomicLong();

        @Override
        public void onMessage(MessageConnection connection, int channel, ByteBuffer message) {
            delivered.incrementAndGet();
        }
    }

    /** Steps of one loss iteration for the progress bar. */
    static int steps() {
        return LOSS.length * FRAGMENTS.length;
    }
}
