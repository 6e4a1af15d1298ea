package io.udpnet.bench;

import io.udpnet.io.DatagramIo;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batched raw peer on the NIO I/O (the native one is not on this module's class path). */
class BatchedRawPeerTest {
    @Test
    void movesDatagramsInBatchesAndEchoesPings() throws Exception {
        try (BatchedRawPeer p = BatchedRawPeer.open("raw-nio", new PeerSettings(32, PeerSettings.Idle.BACKOFF),
                DatagramIo.nio())) {
            ComparedPeer.Throughput t = p.throughput(200_000_000L);
            assertTrue(t.sent() > 0 && t.delivered() > 0 && t.delivered() <= t.sent(), t.toString());
            assertTrue(t.messagesPerSecond() > 0 && t.bytesPerSecond() == t.messagesPerSecond() * 32, t.toString());
            Histogram h = new Histogram(3);
            PingSchedule.Result r = p.pingPong(new PingSchedule(50, 1_000_000, h));
            assertEquals(50, r.sent());
            assertTrue(r.received() > 0 && r.received() == h.getTotalCount(), r + " " + h.getTotalCount());
        }
    }
}
