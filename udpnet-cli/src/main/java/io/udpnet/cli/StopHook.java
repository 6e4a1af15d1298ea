package io.udpnet.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Ctrl-C of a command that runs until stopped: a shutdown hook that tells the command to stop, then holds the
 * JVM while the command closes what it runs and prints its summary, at most a few seconds.
 */
final class StopHook {
    /** Counted down by the hook: the command stops when it opens. */
    final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch summarised = new CountDownLatch(1);
    private final Thread hook;

    /**
     * Installs the hook.
     *
     * @param threadName  the hook thread's name
     * @param waitSeconds how long the hook waits for {@link #done()} before it lets the JVM halt
     */
    StopHook(String threadName, long waitSeconds) {
        hook = new Thread(() -> {
            stop.countDown();
            try {
                summarised.await(waitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, threadName);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The summary is printed: lets a running hook finish, or removes the hook when none runs. */
    void done() {
        summarised.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running and waits for the summary, now printed.
        }
    }
}
