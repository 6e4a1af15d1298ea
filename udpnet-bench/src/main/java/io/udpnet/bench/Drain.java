package io.udpnet.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The end of a throughput iteration: waiting for what is still on its way before the next one starts. */
public final class Drain {
    /** An unreliable peer is done once nothing more has arrived for this long. */
    private static final long QUIET_NANOS = 50_000_000;

    private Drain() {
    }

    /**
     * For peers that lose datagrams: waits until {@code received} reaches {@code target} or has not moved for
     * {@value #QUIET_NANOS} ns; what has not arrived by then is lost.
     */
    static void untilQuiet(AtomicLong received, long target) throws InterruptedException {
        long last = received.get();
        long quietSince = System.nanoTime();
        while (last < target && System.nanoTime() - quietSince < QUIET_NANOS) {
            Thread.sleep(1);
            long now = received.get();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /**
     * For reliable peers: waits until {@code received} reaches {@code target}, then checks that the receiver saw no
     * error (a message out of order).
     *
     * @throws IllegalStateException when the receiver reported an error, or messages are still missing
     *                               {@link PeerSettings#TIMEOUT_NANOS} after sending stopped
     */
    public static void untilAll(String peer, AtomicLong received, long target, AtomicReference<String> error)
            throws InterruptedException {
        long deadline = System.nanoTime() + PeerSettings.TIMEOUT_NANOS;
        while (received.get() < target && error.get() == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(peer + ": " + (target - received.get()) + " messages still missing "
                        + PeerSettings.TIMEOUT_NANOS / 1_000_000_000L + " s after sending stopped");
            }
            Thread.sleep(1);
        }
        if (error.get() != null) {
            throw new IllegalStateException(peer + ": " + error.get());
        }
    }
}
