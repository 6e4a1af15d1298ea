package io.udpnet.messaging;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Threads parked until a connection changes (room to send, a message arrived), made only when a thread has to wait,
 * so that a connection nobody waits on holds nothing for waiting. Guarded by its owner's monitor: a thread adds
 * itself, leaves the monitor, parks, and removes itself when it wakes; the owner wakes all of them, under its monitor,
 * after a change. A wake-up that comes before the park is kept by {@link LockSupport}, so none is lost.
 * The monitor guards memory only, never a wait: virtual threads park here without pinning their carrier.
 */
final class Waiters {
    private Thread[] threads = new Thread[2];
    private int count;

    /** {@code list} with the current thread added; a new list when {@code list} is null. */
    static Waiters add(Waiters list) {
        Waiters w = list != null ? list : new Waiters();
        if (w.count == w.threads.length) {
            w.threads = Arrays.copyOf(w.threads, w.count * 2);
        }
        w.threads[w.count++] = Thread.currentThread();
        return w;
    }

    /** {@code list} without the current thread (once); null when no one is left. */
    static Waiters remove(Waiters list) {
        if (list == null) {
            return null;
        }
        Thread me = Thread.currentThread();
        for (int i = 0; i < list.count; i++) {
            if (list.threads[i] == me) {
                list.threads[i] = list.threads[--list.count];
                list.threads[list.count] = null;
                break;
            }
        }
        return list.count == 0 ? null : list;
    }

    /** Unparks every thread on {@code list} (null: none); each re-checks what it waits for. */
    static void wakeAll(Waiters list) {
        if (list != null) {
            for (int i = 0; i < list.count; i++) {
                LockSupport.unpark(list.threads[i]);
            }
        }
    }

    /**
     * Parks the current thread until woken, interrupted or {@code nanos} have passed (negative: no limit).
     *
     * @return whether the thread was interrupted (its flag stays set)
     */
    static boolean park(Object blocker, long nanos) {
        if (nanos < 0) {
            LockSupport.park(blocker);
        } else {
            LockSupport.parkNanos(blocker, nanos);
        }
        return Thread.currentThread().isInterrupted();
    }

    /** A caller's time-out in nanoseconds: 0 for a negative one, capped where it would overflow a deadline. */
    static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }
}
