package io.udpnet.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Short runs of the peers that load something of their own: quic (Netty's native QUIC codec; skipped where it does
 * not load), kcp (kcp-netty on its own Netty 4.1, through {@link KcpLoader}), netty (its native epoll transport) and
 * enet (libenet through the FFM API; skipped where either is missing). Counts only, never timing.
 */
class ComparedPeersTest {
    private static ComparedPeer openOrSkip(String name, int size) throws Exception {
        try {
            return Peers.open(name, new PeerSettings(size, PeerSettings.Idle.BACKOFF));
        } catch (Peers.Unavailable e) {
            Assumptions.abort(name + " cannot run here: " + e.getMessage());
            throw new AssertionError("not reached");
        }
    }

    /** A reliable peer: every message sent arrives, and every ping gets its pong. */
    private static void sendsReliablyAndEchoes(ComparedPeer p, int size) throws Exception {
        ComparedPeer.Throughput t = p.throughput(300_000_000L);
        assertTrue(t.sent() > 0, t.toString());
        assertEquals(t.sent(), t.delivered(), t.toString());
        assertEquals(t.messagesPerSecond() * size, t.bytesPerSecond(), 1e-6 * t.bytesPerSecond(), t.toString());
        ComparedPeer.Throughput again = p.throughput(100_000_000L);
        assertEquals(again.sent(), again.delivered(), "a second iteration goes on from the first's numbers");
        Histogram h = new Histogram(3);
        PingSchedule.Result r = p.pingPong(new PingSchedule(50, 2_000_000, h));
        assertEquals(50, r.sent());
        assertEquals(50, r.received());
        assertEquals(50, h.getTotalCount());
    }

    @Test
    void quicDeliversEveryMessageInOrderAndEchoesPings() throws Exception {
        try (ComparedPeer p = openOrSkip("quic", 32)) {
            assertEquals("quic", p.name());
            assertTrue(String.join(" ", p.configuration()).contains("congestion control CUBIC"),
                    p.configuration().toString());
            sendsReliablyAndEchoes(p, 32);
        }
    }

    @Test
    void quicCarriesMessagesLargerThanADatagram() throws Exception {
        try (ComparedPeer p = openOrSkip("quic", 100_000)) {
            ComparedPeer.Throughput t = p.throughput(200_000_000L);
            assertTrue(t.sent() > 0 && t.sent() == t.delivered(), t.toString());
        }
    }

    @Test
    void kcpRunsOnItsOwnNettyAndDeliversEveryMessage() throws Exception {
        try (ComparedPeer p = openOrSkip("kcp", 32)) {
            assertTrue(p.getClass().getClassLoader() instanceof KcpLoader, p.getClass().getClassLoader().toString());
            assertTrue(String.join(" ", p.configuration()).contains("netty-transport-4.1."),
                    p.configuration().toString());
            sendsReliablyAndEchoes(p, 32);
        }
    }

    @Test
    void enetDeliversEveryMessageInOrderAndEchoesPings() throws Exception {
        try (ComparedPeer p = openOrSkip("enet", 32)) {
            assertEquals("enet", p.name());
            sendsReliablyAndEchoes(p, 32);
        }
    }

    /**
     * Netty's peer loses what the kernel drops, so only bounds are certain; loopback delivers some of it. Only the
     * first iteration is bounded by what it sent: a later one also counts stragglers of the one before that arrive
     * after its drain gave up (a receiver descheduled for longer than the quiet period, on a busy machine).
     */
    @Test
    void nettyCountsWhatArrivesInEachIterationAndEchoesPings() throws Exception {
        try (ComparedPeer p = openOrSkip("netty", 64)) {
            for (int i = 0; i < 2; i++) {
                ComparedPeer.Throughput t = p.throughput(100_000_000L);
                assertTrue(t.sent() > 0 && t.delivered() > 0, t.toString());
                assertTrue(i > 0 || t.delivered() <= t.sent(), t.toString());
                assertEquals(t.messagesPerSecond() * 64, t.bytesPerSecond(), 1e-6 * t.bytesPerSecond(),
                        t.toString());
            }
            PingSchedule.Result r = p.pingPong(new PingSchedule(20, 2_000_000, new Histogram(3)));
            assertEquals(20, r.sent());
            assertTrue(r.received() > 0 && r.received() <= 20, r.toString());
        }
    }

    @Test
    void kcpRefusesMessagesBeyondItsFragmentLimit() {
        Peers.Unavailable e = org.junit.jupiter.api.Assertions.assertThrows(Peers.Unavailable.class,
                () -> Peers.open("kcp", new PeerSettings(Scenario.BULK_SIZE, PeerSettings.Idle.BACKOFF)));
        assertTrue(e.getMessage().contains("at most"), e.getMessage());
    }
}
