package io.udpnet.engine;

import io.udpnet.wire.Seq;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Acks, loss detection (packet and time thresholds), probe time-outs and slot reuse of the send-side log. */
class SentLogTest {
    private static final long FAR = Long.MAX_VALUE / 4;

    /** Records every report; an entry is reported at most once. */
    static final class Recorder implements SentLog.Listener {
        final List<Long> acked = new ArrayList<>();
        final List<Long> lost = new ArrayList<>();
        final Map<Long, Integer> lostIn = new HashMap<>();

        @Override
        public void onEntryAcked(long entry) {
            acked.add(entry);
        }

        @Override
        public void onEntryLost(long entry, int datagramSeq) {
            lost.add(entry);
            lostIn.put(entry, datagramSeq);
        }
    }

    private final Recorder rec = new Recorder();
    private final SentLog log = new SentLog(rec);

    /** Sends datagram {@code seq} at {@code now} carrying entries {@code seq * 10} and {@code seq * 10 + 1}. */
    private void send(int seq, long now) {
        log.begin(seq, now);
        log.addEntry(seq * 10L);
        log.addEntry(seq * 10L + 1);
        log.end(100, now);
    }

    @Test
    void ackAndAckBitsAcknowledgeExactlyTheNamedRecords() {
        for (int s = 0; s < 5; s++) {
            send(s, s * 1000L);
        }
        assertEquals(5, log.inFlight());
        assertEquals(500, log.bytesInFlight());
        // ack 4, bits 0 and 2: 3 and 1.
        long sentAt = log.onAck(4, 0b101, 9000);
        assertEquals(4000, sentAt, "RTT sample from the send time of the ack field's datagram");
        assertEquals(List.of(40L, 41L, 30L, 31L, 10L, 11L), rec.acked);
        assertEquals(2, log.inFlight());
        assertEquals(200, log.bytesInFlight());
        // Acking 4 again gives no RTT sample; the bit for 0 (bit 3) acknowledges 0.
        assertEquals(SentLog.NO_SAMPLE, log.onAck(4, 0b1000, 9500));
        assertEquals(List.of(40L, 41L, 30L, 31L, 10L, 11L, 0L, 1L), rec.acked);
        assertEquals(1, log.inFlight());
        assertTrue(rec.lost.isEmpty());
    }

    @Test
    void ackBitsReachRecordsAcrossTheSequenceWrap() {
        for (int s = 65530; s < 65536 + 4; s++) {
            send(s & Seq.MASK, 0);
        }
        // Ack 3 with every bit set names 2, 1, 0, 65535, ... down to 65476: the ten records and 54 never sent.
        log.onAck(3, -1L, 1000);
        assertEquals(0, log.inFlight());
        assertEquals(20, rec.acked.size());
        // An ack of sequences all older than the oldest record (none left) changes nothing.
        send(4, 2000);
        log.onAck(2, -1L, 3000);
        assertEquals(1, log.inFlight());
    }

    @Test
    void ackOfASequenceWithoutRecordGivesNoSample() {
        send(0, 0);
        // Sequence 1 was an ack-only datagram: no record.
        assertEquals(SentLog.NO_SAMPLE, log.onAck(1, 0b1, 500));
        assertEquals(List.of(0L, 1L), rec.acked);
    }

    @Test
    void acksWorkAcrossTheSequenceWrap() {
        send(65534, 0);
        send(65535, 1);
        send(0, 2);
        // ack 0, bit 0 = 65535, bit 1 = 65534
        assertEquals(2, log.onAck(0, 0b11, 10));
        assertEquals(0, log.inFlight());
        assertEquals(6, rec.acked.size());
    }

    @Test
    void recordThreeSequencesOlderThanTheNewestAckIsLost() {
        for (int s = 0; s < 5; s++) {
            send(s, 0);
        }
        log.onAck(3, 0, 10);
        log.detectLosses(10, 0, FAR);
        // 0 is 3 older than 3: lost. 1 and 2 are 2 and 1 older: not yet, but the loss timer is armed.
        assertEquals(List.of(0L, 1L), rec.lost);
        assertEquals(0, rec.lostIn.get(0L));
        assertTrue(log.lossTimerArmed());
        assertEquals(FAR, log.deadline(1_000_000, Long.MAX_VALUE), "loss timer at sentAt + lossDelay of the oldest remaining");
        assertEquals(3, log.inFlight(), "1 and 2 wait for the timer; 4 is newer than the ack");
        log.onAck(4, 0, 20);
        log.detectLosses(20, 0, FAR);
        // 1 is now 3 older than 4; 2 is 2 older.
        assertEquals(List.of(0L, 1L, 10L, 11L), rec.lost);
        assertEquals(1, log.inFlight());
        assertEquals(2, log.declaredLost(), "two datagrams declared lost");
    }

    @Test
    void recordSentNineEighthsOfAnRttBeforeALaterAckedOneIsLost() {
        send(0, 0);
        send(1, 400);
        log.onAck(1, 0, 1000);
        // lossDelay 1000: 0 was sent at 0, so it is lost at 1000, not at 999.
        log.detectLosses(999, 0, 1000);
        assertTrue(rec.lost.isEmpty());
        assertTrue(log.lossTimerArmed());
        assertEquals(1000, log.deadline(1_000_000, Long.MAX_VALUE));
        log.detectLosses(1000, 0, 1000);
        assertEquals(List.of(0L, 1L), rec.lost);
        assertFalse(log.lossTimerArmed());
        assertEquals(0, log.inFlight());
        assertEquals(Long.MAX_VALUE, log.deadline(1_000_000, Long.MAX_VALUE));
    }

    @Test
    void nothingIsLostBeforeAnyAck() {
        for (int s = 0; s < 10; s++) {
            send(s, 0);
        }
        log.detectLosses(FAR, 0, 1);
        assertTrue(rec.lost.isEmpty());
        assertFalse(log.lossTimerArmed());
    }

    @Test
    void probeTimeOutDeclaresTheOldestLostAndBacksOff() {
        long pto = 1000;
        send(0, 0);
        send(1, 100);
        assertEquals(100 + pto, log.deadline(pto, Long.MAX_VALUE), "from the last ack-eliciting send");
        log.onProbeTimeout();
        assertEquals(List.of(0L, 1L), rec.lost);
        assertEquals(1, log.probeCount());
        assertEquals(100 + 2 * pto, log.deadline(pto, Long.MAX_VALUE), "doubled");
        send(2, 1100);
        assertEquals(1100 + 2 * pto, log.deadline(pto, Long.MAX_VALUE));
        log.onProbeTimeout();
        assertEquals(List.of(0L, 1L, 10L, 11L), rec.lost);
        assertEquals(1100 + 4 * pto, log.deadline(pto, Long.MAX_VALUE));
        // An ack that newly acknowledges its ack field resets the back-off.
        assertEquals(1100, log.onAck(2, 0, 1500));
        assertEquals(0, log.probeCount());
        assertEquals(Long.MAX_VALUE, log.deadline(pto, Long.MAX_VALUE), "nothing in flight");
        send(3, 2000);
        assertEquals(2000 + pto, log.deadline(pto, Long.MAX_VALUE));
    }

    /**
     * The back-off counts consecutive time-outs (PROTOCOL.md section 5; RFC 9002 resets it on any acknowledgement):
     * an ack that newly acknowledges the probe ends the streak even when its ack field names a datagram without a
     * record (an ack-only one).
     */
    @Test
    void anyNewAcknowledgementResetsTheBackOff() {
        long pto = 1000;
        send(0, 0);
        log.onProbeTimeout();
        assertEquals(1, log.probeCount());
        send(1, 1000);
        // Datagram 2 was ack-only: no record. Bit 0 acknowledges the probe, 1.
        assertEquals(SentLog.NO_SAMPLE, log.onAck(2, 0b1, 1500));
        assertEquals(List.of(10L, 11L), rec.acked);
        assertEquals(0, log.probeCount());
        send(3, 2000);
        assertEquals(2000 + pto, log.deadline(pto, Long.MAX_VALUE));
    }

    @Test
    void aDatagramAProbeTimeOutDeclaredLostAndThenAcknowledgedIsCountedAsALateAckNotAsReordering() {
        send(0, 0);
        log.onProbeTimeout();
        assertEquals(List.of(0L, 1L), rec.lost);
        log.onAck(0, 0, 5000);
        assertEquals(1, log.lateProbedAcks());
        assertEquals(0, log.spuriousLosses(), "a late ack is not reordering: the thresholds stay");
    }

    @Test
    void backedOffProbeIntervalStopsAtTheConfiguredMaximum() {
        send(0, 0);
        for (int i = 0; i < 10; i++) {
            log.onProbeTimeout();
        }
        send(1, 0);
        assertEquals(5000, log.deadline(1000, 5000), "1000 << 10 capped at 5000");
        assertEquals(1000, log.deadline(1000, 10), "the cap never shortens the probe time-out itself");
    }

    @Test
    void backOffIsCapped() {
        send(0, 0);
        for (int i = 0; i < 40; i++) {
            log.onProbeTimeout();
        }
        send(1, 0);
        assertEquals(1000L << 16, log.deadline(1000, Long.MAX_VALUE));
    }

    @Test
    void reusingASlotDeclaresTheOldRecordLost() {
        send(5, 0);
        send(6, 0);
        log.begin(5 + SentLog.CAPACITY, 10);
        log.addEntry(99);
        log.end(100, 10);
        assertEquals(List.of(50L, 51L), rec.lost);
        assertEquals(5, rec.lostIn.get(50L));
        assertEquals(2, log.inFlight());
        // The old sequence's ack no longer matches anything; the new one's does.
        log.onAck(5, 0, 20);
        assertEquals(List.of(), rec.acked);
        log.onAck(5 + SentLog.CAPACITY, 0b1, 20);
        assertEquals(List.of(99L), rec.acked);
        assertEquals(1, log.inFlight(), "6 is still in flight");
    }

    @Test
    void entryLogGrowsBeyondItsInitialSize() {
        for (int s = 0; s < 20; s++) {
            log.begin(s, s);
            for (int e = 0; e < 50; e++) {
                log.addEntry(s * 1000L + e);
            }
            log.end(100, s);
        }
        log.onAck(19, -1L, 100);
        assertEquals(1000, rec.acked.size());
        for (int s = 0; s < 20; s++) {
            for (int e = 0; e < 50; e++) {
                assertTrue(rec.acked.contains(s * 1000L + e));
            }
        }
    }

    /**
     * Random sends (some ack-only, so without a record), acks of recent sequences with random bits, loss detection
     * and probe time-outs, across the 16-bit wrap and with slot reuse: every entry is reported once, as acked or
     * lost, or twice when a loss proves spurious (lost, then acked); only entries of datagrams whose record was still
     * open are reported acked.
     */
    @Property(tries = 200)
    void everyEntryIsReportedExactlyOnce(@ForAll long seed) {
        Random rnd = new Random(seed);
        Map<Long, String> fate = new HashMap<>();
        Map<Long, Integer> datagramOf = new HashMap<>();
        Map<Integer, List<Long>> open = new HashMap<>();
        SentLog.Listener listener = new SentLog.Listener() {
            @Override
            public void onEntryAcked(long entry) {
                // A spurious loss (the datagram was declared lost, then acknowledged after all) reports the entry
                // acked after lost; any other repetition is a bug.
                String before = fate.put(entry, "acked");
                assertTrue(before == null || before.equals("lost"), "entry " + entry + " reported acked after " + before);
                if (before == null) {
                    assertTrue(open.get(datagramOf.get(entry)).remove(entry));
                }
            }

            @Override
            public void onEntryLost(long entry, int datagramSeq) {
                assertNull(fate.put(entry, "lost"), "entry " + entry + " reported twice");
                assertEquals(datagramOf.get(entry), datagramSeq);
                assertTrue(open.get(datagramSeq).remove(entry));
            }
        };
        SentLog sl = new SentLog(listener);
        int next = 65536 - rnd.nextInt(3000);
        next &= 0xFFFF;
        long now = 0;
        long entry = 0;
        int sends = 1500 + rnd.nextInt(1000);
        int ackChance = 1 + rnd.nextInt(10);
        for (int i = 0; i < sends; i++) {
            now += rnd.nextInt(1000);
            int seq = next;
            next = Seq.add(next, 1);
            if (rnd.nextInt(5) > 0) {
                if (sl.inFlight() >= DataPath.MAX_IN_FLIGHT && rnd.nextBoolean()) {
                    sl.onProbeTimeout();
                }
                List<Long> prev = open.remove(seq);
                sl.begin(seq, now);
                int k = rnd.nextInt(4);
                List<Long> es = new ArrayList<>();
                for (int e = 0; e < k; e++) {
                    datagramOf.put(entry, seq);
                    es.add(entry);
                    sl.addEntry(entry++);
                }
                sl.end(50, now);
                if (prev != null) {
                    assertTrue(prev.isEmpty(), "reused slot's entries reported before the reuse");
                }
                open.put(seq, es);
            }
            if (rnd.nextInt(ackChance) == 0) {
                int ack = Seq.add(seq, -rnd.nextInt(80));
                long bits = rnd.nextLong() & rnd.nextLong();
                sl.onAck(ack, bits, now);
                sl.detectLosses(now, 0, 1 + rnd.nextInt(20_000));
            }
            if (rnd.nextInt(50) == 0) {
                sl.onProbeTimeout();
            }
            assertTrue(sl.inFlight() <= SentLog.CAPACITY);
        }
        while (sl.inFlight() > 0) {
            sl.onProbeTimeout();
        }
        assertEquals(entry, fate.size(), "every entry reported");
        for (List<Long> es : open.values()) {
            assertTrue(es.isEmpty());
        }
        assertEquals(0, sl.bytesInFlight());
    }
}
