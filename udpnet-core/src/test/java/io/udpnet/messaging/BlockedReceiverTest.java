package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Threads parked in {@link MessageConnection#receive} wake for what they wait for and nothing else: a message, the
 * end of the connection, an interrupt, or their time-out; and a connection nobody waits on any more keeps nothing
 * for waiting.
 */
@Timeout(60)
class BlockedReceiverTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void parkedReceiversWakeForAMessageAnInterruptTheEndAndTheirTimeOut() throws Exception {
        MessageServerConfig config = MessageServerConfig.builder().mode(ServerMode.SHARED)
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).build();
        try (MessageServer server = MessageServer.open(config);
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(WAIT);
            assertNotNull(s);

            // Nothing comes: the time-out ends the wait.
            long start = System.nanoTime();
            assertNull(c.receive(Duration.ofMillis(100)));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100));

            // A receiver parked without a time-out gets the message sent after it started waiting.
            CompletableFuture<Message> first = receiveOn(c);
            awaitParked(first);
            s.send(2, new byte[] {1, 2, 3});
            Message m = first.get(10, TimeUnit.SECONDS);
            assertEquals(2, m.channel());
            assertArrayEquals(new byte[] {1, 2, 3}, m.data());
            assertNull(waiters(c), "the receiver took itself off the list, which went with it");

            // An interrupt ends the wait with InterruptedIOException and leaves the flag set.
            CompletableFuture<Boolean> flag = new CompletableFuture<>();
            Thread interrupted = Thread.ofVirtual().start(() -> {
                try {
                    c.receive();
                    flag.completeExceptionally(new AssertionError("a message came"));
                } catch (InterruptedIOException e) {
                    flag.complete(Thread.currentThread().isInterrupted());
                } catch (Exception e) {
                    flag.completeExceptionally(e);
                }
            });
            awaitParked(interrupted);
            interrupted.interrupt();
            assertTrue(flag.get(10, TimeUnit.SECONDS), "the interrupt flag stays set");

            // Two receivers parked when the peer closes: both see the end.
            CompletableFuture<Message> a = receiveOn(c);
            CompletableFuture<Message> b = receiveOn(c);
            awaitParked(a);
            awaitParked(b);
            s.close("done");
            for (CompletableFuture<Message> f : List.of(a, b)) {
                Throwable t = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS)).getCause();
                assertInstanceOf(ConnectionClosedException.class, t);
            }
            assertEquals(MessageConnection.State.CLOSED, c.state());
        }
    }

    private final Map<CompletableFuture<?>, Thread> threads = new ConcurrentHashMap<>();

    /** Starts a virtual thread blocked in {@code c.receive()}; the future has what it got. */
    private CompletableFuture<Message> receiveOn(MessageConnection c) {
        CompletableFuture<Message> f = new CompletableFuture<>();
        threads.put(f, Thread.ofVirtual().start(() -> {
            try {
                f.complete(c.receive());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        }));
        return f;
    }

    /** The list of receivers parked on {@code c}'s inbox. */
    private static Waiters waiters(MessageConnection c) throws ReflectiveOperationException {
        var field = MessageConnection.class.getDeclaredField("inbox");
        field.setAccessible(true);
        Inbox inbox = (Inbox) field.get(c);
        synchronized (inbox) {
            return inbox.waiters;
        }
    }

    private void awaitParked(CompletableFuture<?> f) throws InterruptedException {
        awaitParked(threads.get(f));
    }

    /** Waits (10 s at most) until {@code t} is parked: in its wait, not on its way to it. */
    private static void awaitParked(Thread t) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() - until < 0, "the receiver never waited");
            Thread.sleep(5);
        }
    }
}
