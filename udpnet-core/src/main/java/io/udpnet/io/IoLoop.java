package io.udpnet.io;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * One I/O thread: a {@link Poller} over its sockets, work handed over by other threads, and the timers of what it
 * drives. It sleeps in the kernel until a socket is readable, another thread hands it work or calls
 * {@link #wakeup()}, or the driver's next deadline comes; an idle loop burns no CPU. Deadlines closer than the
 * poller's resolution (pacing) are slept with {@link LockSupport#parkNanos}.
 *
 * <p>Everything a {@link Driver} does runs on this thread: it owns its sockets outright.
 */
public final class IoLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.udpnet.io");
    private static final long MILLI = 1_000_000L;

    /** What a loop drives. All methods are called on the loop's thread. */
    public interface Driver {
        /**
         * A socket registered with {@code attachment} is readable (or has an error to report).
         *
         * @param attachment what the socket was registered with
         */
        void readable(Object attachment);

        /**
         * Called once per turn of the loop, after tasks and reads: sends what is due.
         *
         * @param now {@link System#nanoTime()}
         * @return the next deadline on the same scale, {@link Long#MAX_VALUE} for none, {@link Long#MIN_VALUE} for now
         */
        long flush(long now);

        /** The loop ended (stopped, or failed): release what the driver holds. */
        void stopped();
    }

    private final DatagramIo io;
    private final Poller poller;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Poller.ReadyHandler onReady = this::onReady;
    private Driver driver;
    private volatile boolean stopped;
    /** Set by {@link #wakeup} on the loop's own thread: the next turn must not sleep. Loop thread only. */
    private boolean turnAgain;

    /**
     * Makes a loop and its poller; {@link #start} runs it.
     *
     * @param io   the I/O implementation whose sockets it will watch
     * @param name the thread's name
     * @throws IOException when no poller can be made
     */
    public IoLoop(DatagramIo io, String name) throws IOException {
        this.io = io;
        this.poller = io.openPoller();
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    /** @return the I/O implementation */
    public DatagramIo io() {
        return io;
    }

    /**
     * Watches {@code socket}; its readiness reaches the driver with {@code attachment}. Loop thread (or before start).
     *
     * @param socket     a socket of this loop's {@link DatagramIo}
     * @param attachment handed to {@link Driver#readable}
     * @throws IOException when the socket cannot be watched
     */
    public void register(UdpSocket socket, Object attachment) throws IOException {
        poller.register(socket, attachment);
    }

    /**
     * Starts the thread.
     *
     * @param d what it drives
     */
    public void start(Driver d) {
        this.driver = d;
        thread.start();
    }

    /** @return true on the loop's own thread */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code task} on the loop's thread soon: always queued, never run inline, so callbacks may call it.
     *
     * @param task the work
     */
    public void execute(Runnable task) {
        tasks.add(task);
        wakeup();
    }

    /**
     * Makes the loop take a turn soon (it flushes its driver). Any thread. On the loop's own thread it only marks
     * that the next turn must not sleep: the loop is awake, so the poller's wake-up (a write and a later read of its
     * wake-up file) would be two system calls for nothing.
     */
    public void wakeup() {
        if (Thread.currentThread() == thread) {
            turnAgain = true;
            return;
        }
        poller.wakeup();
        LockSupport.unpark(thread);
    }

    /** Ends the loop after the current turn; call from the loop's thread (a task) once the driver is done. */
    public void stop() {
        stopped = true;
        wakeup();
    }

    /** @return true once the loop stopped or was asked to */
    public boolean isStopped() {
        return stopped;
    }

    /**
     * Waits for the thread to end.
     *
     * @param millis the longest wait
     * @throws InterruptedException when interrupted
     */
    public void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    /** Closes the poller of a loop that was never started. */
    public void discard() {
        if (!thread.isAlive()) {
            poller.close();
        }
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                runTasks();
                if (stopped) {
                    break;
                }
                turnAgain = false;   // what was asked for until now, this flush does
                long deadline = driver.flush(System.nanoTime());
                if (stopped) {
                    break;
                }
                sleep(deadline);
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(Level.ERROR, "I/O loop " + thread.getName() + " failed; what it served is lost", e);
        } finally {
            stopped = true;
            try {
                driver.stopped();
            } finally {
                poller.close();
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

    private void sleep(long deadline) throws IOException {
        // MIN_VALUE means "now"; it must not be subtracted from, or the difference would wrap to a long sleep.
        long wait = deadline == Long.MAX_VALUE ? Long.MAX_VALUE
                : deadline == Long.MIN_VALUE ? 0 : deadline - System.nanoTime();
        if (wait <= 0 || !tasks.isEmpty() || turnAgain) {
            turnAgain = false;
            poller.poll(0, onReady);
        } else if (wait < MILLI) {
            // A wake-up before parkNanos makes it return at once (unpark's permit), so no hand-over is missed.
            if (poller.poll(0, onReady) == 0) {
                LockSupport.parkNanos(wait);
                poller.poll(0, onReady);
            }
        } else {
            // The poller may round the wait down (a selector counts milliseconds); the rest is parked next turn.
            poller.poll(wait, onReady);
        }
    }

    private void onReady(Object attachment) {
        try {
            driver.readable(attachment);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "read failed on " + thread.getName(), e);
        }
    }
}
