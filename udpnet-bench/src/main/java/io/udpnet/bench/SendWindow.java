package io.udpnet.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One throughput iteration of a peer whose sender runs on a thread of its own (a Netty event loop, an ENet host's
 * polling thread). The measuring thread {@linkplain #run opens} the window and waits; the sending thread numbers
 * messages from {@link #next()} on, records how far it got with {@link #sentUpTo}, and {@linkplain #close closes}
 * the window once it {@linkplain #isDue is due}. Written once so that every such peer measures the same way: the
 * rate is what the receiver took between opening and closing, and draining what is still on its way comes after.
 *
 * <p>Public, like {@link Drain}, because {@link KcpPeer} uses it from a class loader of its own.
 */
public final class SendWindow {
    private final long first;
    private final long deadline;
    private final long receivedAtStart;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile long next;
    private double messagesPerSecond;

    private SendWindow(long first, long deadline, long receivedAtStart) {
        this.first = first;
        this.next = first;
        this.deadline = deadline;
        this.receivedAtStart = receivedAtStart;
    }

    /**
     * Opens a window for {@code nanos} whose first message is numbered {@code first}, hands it to {@code start}
     * (which gets it to the sending thread), waits until the sender closes it, and takes the rate at which
     * {@code received} grew meanwhile.
     *
     * @throws IllegalStateException when the sender has not closed the window {@link PeerSettings#TIMEOUT_NANOS}
     *                               after it was due
     */
    public static SendWindow run(String peer, long first, long nanos, AtomicLong received,
                                 Consumer<SendWindow> start) throws InterruptedException {
        long r0 = received.get();
        long t0 = System.nanoTime();
        SendWindow w = new SendWindow(first, t0 + nanos, r0);
        start.accept(w);
        if (!w.closed.await(nanos + PeerSettings.TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException(peer + ": the sender did not stop");
        }
        long t1 = System.nanoTime();
        long r1 = received.get();
        w.messagesPerSecond = (r1 - r0) * 1e9 / (t1 - t0);
        return w;
    }

    /** The number the next message sent takes; after the window closed, one past the last one sent. */
    public long next() {
        return next;
    }

    /** Sending thread: the messages below {@code next} are sent. */
    public void sentUpTo(long next) {
        this.next = next;
    }

    /** Sending thread: whether the window's time is up, so the sender should stop and {@link #close()} it. */
    public boolean isDue() {
        return System.nanoTime() >= deadline;
    }

    /** Sending thread: ends the iteration and wakes the measuring thread; the sender must not touch it again. */
    public void close() {
        closed.countDown();
    }

    /**
     * For reliable peers: waits until every message sent has arrived (see {@link Drain#untilAll}).
     *
     * @param size the payload bytes of one message
     */
    public ComparedPeer.Throughput allDelivered(String peer, AtomicLong received, AtomicReference<String> error,
                                                int size) throws InterruptedException {
        Drain.untilAll(peer, received, next, error);
        return new ComparedPeer.Throughput(messagesPerSecond, messagesPerSecond * size, next - first, next - first);
    }

    /**
     * For peers that lose messages: waits until nothing more arrives (see {@link Drain#untilQuiet}) and counts what
     * did arrive in the whole iteration.
     *
     * @param size the payload bytes of one message
     */
    ComparedPeer.Throughput deliveredWhenQuiet(AtomicLong received, int size) throws InterruptedException {
        Drain.untilQuiet(received, receivedAtStart + next - first);
        return new ComparedPeer.Throughput(messagesPerSecond, messagesPerSecond * size, next - first,
                received.get() - receivedAtStart);
    }
}
