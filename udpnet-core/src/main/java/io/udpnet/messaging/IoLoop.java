package io.udpnet.messaging;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One I/O thread: a selector over its sockets, work handed over by other threads, and the timers of the engine it
 * drives. It sleeps in the kernel until a socket is readable, another thread hands it work, or the engine's next
 * deadline comes; an idle loop burns no CPU. Deadlines closer than a millisecond (pacing) are slept with
 * {@link LockSupport#parkNanos}, since a selector's time-out has millisecond resolution.
 *
 * <p>Everything a {@link Driver} does runs on this thread: it owns its engine and sockets outright.
 */
final class IoLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.udpnet.messaging");
    private static final long MILLI = 1_000_000L;

    /** What a loop drives: an engine and its sockets. All methods are called on the loop's thread. */
    interface Driver {
        /** The channel of {@code key} is readable. */
        void readable(SelectionKey key);

        /** Sends everything due now and returns the next deadline ({@link System#nanoTime} scale, MAX for none). */
        long flush(long now);

        /** The loop ended: release the sockets. */
        void stopped();
    }

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Connections whose application staged messages; a plain deque under a lock, so handing over allocates nothing. */
    private final ArrayDeque<MessageConnection> drains = new ArrayDeque<>();
    private final ArrayDeque<MessageConnection> draining = new ArrayDeque<>();
    private final ReentrantLock drainLock = new ReentrantLock();
    private final Consumer<SelectionKey> onKey = this::onKey;
    private Driver driver;
    private volatile boolean stopped;

    IoLoop(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    Selector selector() {
        return selector;
    }

    void start(Driver driver) {
        this.driver = driver;
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop's thread soon: always queued, never run inline, so callbacks may call it. */
    void execute(Runnable task) {
        tasks.add(task);
        wakeup();
    }

    /** Asks the loop to move {@code c}'s staged messages into its engine. */
    void requestDrain(MessageConnection c) {
        drainLock.lock();
        try {
            drains.addLast(c);
        } finally {
            drainLock.unlock();
        }
        wakeup();
    }

    /** Ends the loop after the current iteration; call from the loop's thread (a task) once the driver is done. */
    void stop() {
        stopped = true;
        wakeup();
    }

    boolean isStopped() {
        return stopped;
    }

    /** Waits for the thread to end. */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    private void wakeup() {
        selector.wakeup();
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                runTasks();
                if (stopped) {
                    break;
                }
                runDrains();
                long deadline = driver.flush(System.nanoTime());
                if (stopped) {
                    break;
                }
                sleep(deadline);
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(Level.ERROR, "I/O loop " + thread.getName() + " failed; its connections are lost", e);
        } finally {
            stopped = true;
            try {
                driver.stopped();
            } finally {
                closeSelector();
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "task failed on " + thread.getName(), e);
            }
        }
    }

    private void runDrains() {
        drainLock.lock();
        try {
            draining.addAll(drains);
            drains.clear();
        } finally {
            drainLock.unlock();
        }
        MessageConnection c;
        while ((c = draining.pollFirst()) != null) {
            c.drain();
        }
    }

    private boolean hasWork() {
        if (!tasks.isEmpty()) {
            return true;
        }
        drainLock.lock();
        try {
            return !drains.isEmpty();
        } finally {
            drainLock.unlock();
        }
    }

    private void sleep(long deadline) throws IOException {
        // MIN_VALUE means "now"; it must not be subtracted from, or the difference would wrap to a long sleep.
        long wait = deadline == Long.MAX_VALUE ? Long.MAX_VALUE
                : deadline == Long.MIN_VALUE ? 0 : deadline - System.nanoTime();
        if (wait <= 0 || hasWork()) {
            selector.selectNow(onKey);
        } else if (wait == Long.MAX_VALUE) {
            selector.select(onKey);
        } else if (wait < MILLI) {
            if (selector.selectNow(onKey) == 0) {
                LockSupport.parkNanos(wait);
                selector.selectNow(onKey);
            }
        } else {
            // Whole milliseconds only, so the loop never oversleeps a deadline; the rest is parked next time.
            selector.select(onKey, wait / MILLI);
        }
    }

    private void onKey(SelectionKey key) {
        if (key.isValid() && key.isReadable()) {
            try {
                driver.readable(key);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "read failed on " + thread.getName(), e);
            }
        }
    }

    private void closeSelector() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the selector failed", e);
        }
    }
}
