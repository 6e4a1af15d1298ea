package io.udpnet.messaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One writer grows, churns and shrinks the set while readers look values up: a value added before the reader
 * learnt of it (through an atomic counter: the happens-before edge the set's guarantee asks for) and not removed is
 * always found, a removed one the reader learnt of is never found, and a value never added is never found. A fixed
 * amount of work, not a time: the readers stop when the writer is done.
 */
@Timeout(60)
class ConcurrentLongSetConcurrencyTest {
    private static final int KEPT = 600;
    private static final int RETIRED = 600;
    private static final int ROUNDS = 30;
    private static final int CHURN = 4000;

    @Test
    void readersFindWhatWasAddedAndNothingElse() throws Exception {
        Random r = new Random(3);
        // Disjoint groups, told apart by their two low bits; the reserved slot values are among the kept ones.
        long[] kept = values(r, KEPT, 0);
        kept[0] = 0;
        kept[1] = Long.MIN_VALUE;
        long[] retired = values(r, RETIRED, 1);
        long[] churn = values(r, CHURN, 2);
        long[] never = values(r, 4000, 3);
        assertEquals(KEPT + RETIRED + CHURN, distinct(kept, retired, churn).size(), "groups overlap");

        ConcurrentLongSet set = new ConcurrentLongSet();
        AtomicInteger keptAdded = new AtomicInteger();
        AtomicInteger retiredRemoved = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger checks = new AtomicInteger();

        Thread writer = new Thread(() -> {
            try {
                int k = 0;
                int t = 0;
                for (long v : retired) {
                    set.add(v);
                }
                for (int round = 0; round < ROUNDS; round++) {
                    // Grow through several sizes with churn values, adding a share of the kept ones on the way...
                    for (long v : churn) {
                        set.add(v);
                        if (k < KEPT && (v & 0x3f0) == 0) {
                            set.add(kept[k]);
                            keptAdded.set(k + 1);
                            k++;
                        }
                    }
                    // ...then shrink again, retiring some for good.
                    for (long v : churn) {
                        set.remove(v);
                        if (t < RETIRED && (v & 0x7f0) == 0) {
                            set.remove(retired[t]);
                            retiredRemoved.set(t + 1);
                            t++;
                        }
                    }
                }
                for (; k < KEPT; k++) {
                    set.add(kept[k]);
                    keptAdded.set(k + 1);
                }
                for (; t < RETIRED; t++) {
                    set.remove(retired[t]);
                    retiredRemoved.set(t + 1);
                }
                if (set.size() != KEPT) {
                    failure.compareAndSet(null, "writer ends with " + set.size() + " members, not " + KEPT);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, "writer threw " + e);
            } finally {
                done.set(true);
            }
        }, "set-writer");

        List<Thread> readers = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            long seed = n;
            readers.add(new Thread(() -> {
                Random rr = new Random(seed);
                // One more full pass after the writer is done, so every reader checks the final state too.
                boolean last = false;
                while (failure.get() == null) {
                    last = done.get();
                    int a = keptAdded.get();
                    int b = retiredRemoved.get();
                    for (int i = 0; i < 64; i++) {
                        if (a > 0) {
                            long v = kept[rr.nextInt(a)];
                            if (!set.contains(v)) {
                                failure.compareAndSet(null, "kept value " + v + " not found");
                            }
                        }
                        if (b > 0) {
                            long v = retired[rr.nextInt(b)];
                            if (set.contains(v)) {
                                failure.compareAndSet(null, "removed value " + v + " still found");
                            }
                        }
                        long v = never[rr.nextInt(never.length)];
                        if (set.contains(v)) {
                            failure.compareAndSet(null, "never-added value " + v + " found");
                        }
                        checks.incrementAndGet();
                    }
                    if (last) {
                        break;
                    }
                }
            }, "set-reader-" + n));
        }
        readers.forEach(Thread::start);
        writer.start();
        writer.join();
        for (Thread t : readers) {
            t.join();
        }
        assertNull(failure.get());
        assertTrue(checks.get() > 0);
        for (long v : kept) {
            assertTrue(set.contains(v));
        }
        for (long v : retired) {
            assertTrue(!set.contains(v));
        }
    }

    /** {@code n} distinct random values whose two low bits are {@code group}. */
    private static long[] values(Random r, int n, int group) {
        Set<Long> seen = new HashSet<>();
        long[] out = new long[n];
        for (int i = 0; i < n; ) {
            long v = r.nextLong() & ~3L | group;
            if (v != 0 && v != Long.MIN_VALUE && seen.add(v)) {
                out[i++] = v;
            }
        }
        return out;
    }

    private static Set<Long> distinct(long[]... groups) {
        Set<Long> all = new HashSet<>();
        for (long[] g : groups) {
            for (long v : g) {
                all.add(v);
            }
        }
        return all;
    }
}
