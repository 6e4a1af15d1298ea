package io.udpnet.engine;

import java.util.ArrayDeque;

/**
 * Decides which of an endpoint's connections must be polled, and when: connections with something to do now wait
 * in a ready queue (round-robin, so none starves the others), the rest sit in a {@link DeadlineHeap} at their next
 * deadline. One scheduler serves thousands of connections with no task or timer object per connection. Shared by
 * {@link ServerEndpoint} and {@link ClientEndpoint}; driven by one thread.
 */
final class Scheduler {
    /**
     * Datagrams a connection may send in a row before the next ready connection's turn. Runs of datagrams to one
     * peer let the I/O layer hand them to the kernel in one call (UDP GSO); 16 full datagrams are about 19 KB, a
     * short wait for the connections behind.
     */
    static final int TRAIN = 16;

    private final DeadlineHeap timers = new DeadlineHeap();
    private final ArrayDeque<Connection> ready = new ArrayDeque<>();

    /** Marks {@code c} as having something to do: a datagram arrived, its application sent or closed. */
    void wake(Connection c) {
        if (!c.ready) {
            c.ready = true;
            ready.addLast(c);
        }
    }

    /**
     * The next connection to poll at {@code now} (whose deadline passed, or that was woken), or null when none.
     * The caller polls it and then either {@link #requeue}s it (it sent something and may send more) or
     * {@link #settle}s it.
     */
    Connection next(long now) {
        while (timers.size() > 0 && timers.earliest() <= now) {
            Connection c = timers.first();
            timers.remove(c);
            wake(c);
        }
        return ready.pollFirst();
    }

    /**
     * Puts a connection that just sent a datagram back in the ready queue: first again while its train is shorter
     * than {@link #TRAIN}, else at the end.
     */
    void requeue(Connection c) {
        if (++c.train < TRAIN) {
            ready.addFirst(c);
        } else {
            c.train = 0;
            ready.addLast(c);
        }
    }

    /**
     * After a connection has sent all it had: schedules its next deadline, or forgets it when it is closed.
     *
     * @return true when the connection is closed and was forgotten now (once per connection)
     */
    boolean settle(Connection c) {
        c.ready = false;
        c.train = 0;
        if (c.state() == Connection.State.CLOSED) {
            timers.remove(c);
            boolean first = c.scheduler == this;
            c.scheduler = null;
            return first;
        }
        timers.schedule(c, c.nextDeadline());
        return false;
    }

    /** When a connection must be polled next: {@link Long#MIN_VALUE} if one is ready, MAX_VALUE for never. */
    long nextDeadline() {
        return ready.isEmpty() ? timers.earliest() : Long.MIN_VALUE;
    }
}
