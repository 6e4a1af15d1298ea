package io.udpnet.sim;

import io.udpnet.impair.LinkConfig;
import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.engine.Connection;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * All four delivery modes at once on one connection, large fragmented messages among many small ones, over a lossy
 * link: each channel keeps its own guarantees and none is starved by the others.
 */
class MultiChannelTest {
    private static final Delivery[] CHANNELS = {Delivery.RELIABLE_ORDERED, Delivery.RELIABLE_UNORDERED,
            Delivery.UNRELIABLE_SEQUENCED, Delivery.UNRELIABLE};
    private static final int[] SIZES = {16, 24, 3000, 32, 12_000, 8};
    private static final int PER_CHANNEL = 1200;

    @Test
    void everyChannelKeepsItsGuaranteesInMixedTraffic() {
        long seed = 5;
        ConnectionConfig config = ConnectionConfig.builder().channels(CHANNELS).build();
        DeliveryLedger[] ledgers = new DeliveryLedger[CHANNELS.length];
        for (int i = 0; i < ledgers.length; i++) {
            ledgers[i] = new DeliveryLedger(SIZES);
        }
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 5000);
        InetSocketAddress b = new InetSocketAddress("127.0.0.2", 5000);
        Connection receiver = Connection.established(config, 9, (ch, buf, off, len) -> ledgers[ch].onMessage(ch, buf, off, len));
        int[] next = new int[CHANNELS.length];
        ByteBuffer message = ByteBuffer.allocate(32 * 1024);
        ConnectionNode sender = new ConnectionNode(Connection.established(config, 9, (ch, buf, off, len) -> { }), b) {
            @Override
            protected void beforeTransmit(long now) {
                // Interleave: one message per channel in turn, as long as every channel accepts.
                for (boolean progress = true; progress; ) {
                    progress = false;
                    for (int ch = 0; ch < CHANNELS.length; ch++) {
                        if (next[ch] < PER_CHANNEL) {
                            MessagePattern.fill(message, next[ch], SIZES[next[ch] % SIZES.length]);
                            if (connection().send(ch, message)) {
                                next[ch]++;
                                progress = true;
                            }
                        }
                    }
                }
            }
        };
        Simulation sim = new Simulation(seed);
        sim.addNode(a, sender);
        sim.addNode(b, new ConnectionNode(receiver, a));
        sim.linkBoth(a, b, LinkConfig.builder().loss(0.05).reorder(0.05).duplication(0.02)
                .latency(Duration.ofMillis(10)).build());
        sim.schedule(0, () -> { });
        boolean done = sim.runUntil(() -> ledgers[0].delivered() == PER_CHANNEL
                && ledgers[1].delivered() == PER_CHANNEL && next[2] == PER_CHANNEL && next[3] == PER_CHANNEL
                && sender.connection().datagramsInFlight() == 0, Duration.ofMinutes(5).toNanos());
        String state = "seed " + seed + ", sent " + java.util.Arrays.toString(next) + ", " + receiver.stats();
        assertTrue(done, state);
        for (int ch = 0; ch < CHANNELS.length; ch++) {
            DeliveryLedger l = ledgers[ch];
            assertEquals(0, l.duplicates(), "channel " + ch + ": " + state);
            assertEquals(0, l.corrupted(), "channel " + ch + ": " + state);
            if (CHANNELS[ch] == Delivery.RELIABLE_ORDERED || CHANNELS[ch] == Delivery.UNRELIABLE_SEQUENCED) {
                assertEquals(0, l.outOfOrder(), "channel " + ch + ": " + state);
            }
            // No channel starves: even the unreliable ones get most messages through a 5% lossy link.
            assertTrue(l.delivered() > PER_CHANNEL / 2, "channel " + ch + " delivered " + l.delivered() + "; " + state);
        }
    }
}
