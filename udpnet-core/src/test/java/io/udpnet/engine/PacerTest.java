package io.udpnet.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacerTest {
    private static final long S = 1_000_000_000L;
    private static final int SIZE = 1200;

    /** Sends whenever allowed, at every {@code tick}, for {@code duration}; returns the send times. */
    private static List<Long> greedy(Pacer p, long from, long duration, long tick) {
        List<Long> times = new ArrayList<>();
        for (long now = from; now < from + duration; now += tick) {
            while (p.nextSendTime() <= now) {
                p.onSent(SIZE, now);
                times.add(now);
            }
        }
        return times;
    }

    @Test
    void honoursTheRate() {
        Pacer p = new Pacer(2 * SIZE, 1_200_000);
        List<Long> sent = greedy(p, 0, S, 10_000);
        // One second at 1.2 MB/s is 1000 datagrams, plus the initial burst allowance.
        assertEquals(1000 + 2, sent.size(), 1);
    }

    @Test
    void aPauseEarnsNoMoreThanTheBurst() {
        Pacer p = new Pacer(3 * SIZE, 1_200_000);
        greedy(p, 0, S / 10, 10_000);
        // After a long idle, only the burst allowance and one datagram go at once.
        List<Long> after = greedy(p, 5 * S, 1, 1);
        assertEquals(4, after.size());
    }

    @Test
    void rateChangesApplyToTheNextDatagram() {
        Pacer p = new Pacer(0, 1_200_000);
        p.onSent(SIZE, 0);
        assertEquals(1_000_000, p.nextSendTime());
        p.setRate(2_400_000);
        p.onSent(SIZE, 1_000_000);
        assertEquals(1_500_000, p.nextSendTime());
    }

    /** Over any interval, no more than burst + rate x interval + one datagram leaves. */
    @Property(tries = 100)
    void burstIsBounded(@ForAll @LongRange(min = 10_000, max = 100_000_000) long rate,
                        @ForAll @IntRange(min = 0, max = 10) int burstDatagrams,
                        @ForAll @LongRange(min = 1_000, max = 5_000_000) long tick) {
        Pacer p = new Pacer((long) burstDatagrams * SIZE, rate);
        List<Long> sent = greedy(p, 0, Math.min(2 * S, 300L * SIZE * S / rate), tick);
        for (int i = 0; i < sent.size(); i++) {
            for (int j = i; j < sent.size(); j++) {
                long interval = sent.get(j) - sent.get(i);
                long bytes = (long) (j - i + 1) * SIZE;
                // From 16 MB/s the allowance grows to a millisecond of sending (at most 64 KiB) where that is more.
                double burst = rate / 1000 < 16_384 ? (double) burstDatagrams * SIZE
                        : Math.max((double) burstDatagrams * SIZE, Math.min(65_536, rate / 1000));
                double bound = burst + rate * (interval / 1e9) + SIZE;
                assertTrue(bytes <= bound + 1e-6, bytes + " bytes in " + interval + " ns at " + rate + " B/s");
            }
        }
    }

    @Test
    void atHighRatesALateWakeUpLosesNoRate() {
        // 100 MB/s is a datagram every 12 us; a thread woken every 100 us must still reach the rate.
        Pacer p = new Pacer(2 * SIZE, 100_000_000);
        List<Long> sent = greedy(p, 0, S / 10, 100_000);
        assertEquals(100_000_000 / 10 / SIZE, sent.size(), 60);
    }

    @Test
    void aHeldBackSenderIsWokenForATrain() {
        Pacer p = new Pacer(2 * SIZE, 100_000_000);
        greedy(p, 0, 1_000_000, 1_000_000);
        long first = p.nextSendTime();
        // Sixteen datagrams are due 15 datagrams' time after the first: 15 x 12 us.
        assertEquals(first + 15 * 12_000, p.wakeTime(SIZE));
        // Sent then, they all leave back to back, and no sooner than the rate allows.
        List<Long> train = greedy(p, p.wakeTime(SIZE), 1, 1);
        assertEquals(Pacer.TRAIN, train.size());
    }

    @Test
    void atLowRatesTheSenderIsWokenForEachDatagram() {
        // 12 MB/s carries ten 1,200-byte datagrams per millisecond, 120 us apart: no train, no change.
        Pacer p = new Pacer(2 * SIZE, 12_000_000);
        greedy(p, 0, S / 100, 1000);
        assertEquals(p.nextSendTime(), p.wakeTime(SIZE));
    }
}
