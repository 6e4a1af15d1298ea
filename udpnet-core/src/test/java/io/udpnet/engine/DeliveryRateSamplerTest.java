package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryRateSamplerTest {
    private static final long MS = 1_000_000L;
    private static final int SIZE = 1000;

    /**
     * Sends one datagram every {@code gap} with the given RTT and acks each on time; returns the sampler after
     * {@code count} acks, with the last ack's sample completed.
     */
    private static DeliveryRateSampler steady(int count, long gap, long rtt) {
        DeliveryRateSampler s = new DeliveryRateSampler();
        long inflight = 0;
        int acked = 0;
        for (int seq = 0; acked < count; seq++) {
            long now = seq * gap;
            // Acks due by now arrive first.
            while (acked < seq && acked * gap + rtt <= now) {
                s.onAcked(acked, SIZE, acked * gap + rtt);
                s.finishAck(rtt, acked * gap + rtt);
                inflight -= SIZE;
                acked++;
            }
            s.onSent(seq, inflight, now);
            inflight += SIZE;
        }
        return s;
    }

    @Test
    void steadySendingSamplesTheSendRate() {
        // 1000 bytes per millisecond: 1 MB/s.
        DeliveryRateSampler s = steady(200, MS, 50 * MS);
        assertEquals(1_000_000, s.rate(), 1_000);
        assertFalse(s.sampleAppLimited());
        assertEquals(50 * MS, s.rttSample());
        assertEquals(200 * SIZE, s.delivered());
    }

    @Test
    void ackCompressionDoesNotInflateTheRate() {
        DeliveryRateSampler s = new DeliveryRateSampler();
        // Ten datagrams sent 1 ms apart, all acked together 50 ms after the last one: the ack interval is short
        // but the send interval is not, so the sample is the send rate.
        for (int seq = 0; seq < 10; seq++) {
            s.onSent(seq, (long) seq * SIZE, seq * MS);
        }
        long now = 59 * MS;
        for (int seq = 0; seq < 10; seq++) {
            s.onAcked(seq, SIZE, now);
        }
        assertTrue(s.finishAck(0, now));
        assertEquals(10 * SIZE, s.sampleDelivered());
        assertEquals(59 * MS, s.sampleInterval());
        assertEquals(10 * SIZE * 1_000_000_000L / (59 * MS), s.rate());
    }

    @Test
    void samplesShorterThanTheMinimumRttAreDiscarded() {
        DeliveryRateSampler s = new DeliveryRateSampler();
        s.onSent(0, 0, 0);
        s.onAcked(0, SIZE, 10 * MS);
        assertTrue(s.finishAck(20 * MS, 10 * MS), "an RTT sample is still taken");
        assertEquals(10 * MS, s.rttSample());
        assertEquals(0, s.rate());
    }

    @Test
    void appLimitedMarkingLastsUntilWhatWasInFlightIsDelivered() {
        DeliveryRateSampler s = new DeliveryRateSampler();
        s.onSent(0, 0, 0);
        s.onSent(1, SIZE, MS);
        s.onAppLimited(2 * SIZE);
        assertTrue(s.appLimited());
        s.onSent(2, 2 * SIZE, 2 * MS);
        s.onAcked(0, SIZE, 50 * MS);
        s.finishAck(0, 50 * MS);
        assertFalse(s.sampleAppLimited(), "sent before the application ran dry");
        s.onAcked(1, SIZE, 51 * MS);
        s.finishAck(0, 51 * MS);
        assertTrue(s.appLimited(), "two datagrams' worth delivered: not past the mark yet");
        s.onAcked(2, SIZE, 52 * MS);
        s.finishAck(0, 52 * MS);
        assertTrue(s.sampleAppLimited(), "sent while app-limited");
        assertFalse(s.appLimited(), "everything in flight then is delivered");
        s.onSent(3, 0, 60 * MS);
        s.onAcked(3, SIZE, 110 * MS);
        s.finishAck(0, 110 * MS);
        assertFalse(s.sampleAppLimited());
    }

    @Test
    void lostAndUnknownDatagramsGiveNoSample() {
        DeliveryRateSampler s = new DeliveryRateSampler();
        s.onSent(5, 0, 0);
        s.onLost(5, SIZE);
        s.onAcked(5, SIZE, 50 * MS);
        s.onAcked(6, SIZE, 50 * MS);
        assertFalse(s.finishAck(0, 50 * MS));
        assertEquals(0, s.delivered());
        assertEquals(SIZE, s.lost());
    }

    @Test
    void aSlotReusedAfterWrapDoesNotAnswerForTheOldSequence() {
        DeliveryRateSampler s = new DeliveryRateSampler();
        s.onSent(3, 0, 0);
        s.onSent(3 + DeliveryRateSampler.CAPACITY, SIZE, MS);
        s.onAcked(3, SIZE, 50 * MS);
        assertFalse(s.finishAck(0, 50 * MS));
        s.onAcked(3 + DeliveryRateSampler.CAPACITY, SIZE, 51 * MS);
        assertTrue(s.finishAck(0, 51 * MS));
        assertEquals(50 * MS, s.rttSample());
    }
}
