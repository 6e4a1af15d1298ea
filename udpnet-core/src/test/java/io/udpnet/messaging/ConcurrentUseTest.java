package io.udpnet.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A MessageConnection shared by several application threads: nothing lost, duplicated, mixed up or reordered per sender. */
@Timeout(60)
class ConcurrentUseTest {
    private static final int THREADS = 6;
    private static final int MESSAGES = 3000;

    @Test
    void threadsSendingOnOneConnectionAtOnceLoseNothingAndKeepTheirOwnOrder() throws Exception {
        ConnectionConfig config = ConnectionConfig.builder()
                .channels(Delivery.RELIABLE_ORDERED, Delivery.RELIABLE_UNORDERED).build();
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().connection(config).build());
             MessageClient client = MessageClient.open(config)) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(MessagingEchoTest.WAIT);
            List<Thread> senders = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                senders.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < MESSAGES; i++) {
                            // Even threads share channel 0, odd ones channel 1; sizes vary, some are fragmented.
                            ByteBuffer m = ByteBuffer.allocate(8 + (i % 50 == 0 ? 3000 : i % 100));
                            m.putInt(0, thread).putInt(4, i);
                            c.send(thread % 2, m);
                        }
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }));
            }
            int[] next = new int[THREADS];
            int[] count = new int[THREADS];
            for (int n = 0; n < THREADS * MESSAGES; n++) {
                Message m = s.receive(MessagingEchoTest.WAIT);
                assertNotNull(m, "message " + n + " of " + THREADS * MESSAGES + " missing");
                ByteBuffer b = ByteBuffer.wrap(m.data());
                int thread = b.getInt(0);
                int i = b.getInt(4);
                assertEquals(thread % 2, m.channel(), "a message on the wrong channel");
                assertEquals(8 + (i % 50 == 0 ? 3000 : i % 100), m.data().length, "a message of the wrong size");
                if (m.channel() == 0) {
                    assertEquals(next[thread], i, "thread " + thread + "'s messages out of order");
                    next[thread] = i + 1;
                }
                count[thread]++;
            }
            for (Thread t : senders) {
                t.join();
            }
            assertTrue(failures.isEmpty(), failures.toString());
            for (int t = 0; t < THREADS; t++) {
                assertEquals(MESSAGES, count[t], "thread " + t);
            }
        }
    }

    @Test
    void threadsReceivingFromOneConnectionTakeEachMessageExactlyOnce() throws Exception {
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().build());
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(MessagingEchoTest.WAIT);
            int total = 20_000;
            ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
            AtomicInteger duplicates = new AtomicInteger();
            List<Thread> receivers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                receivers.add(Thread.ofPlatform().start(() -> {
                    try {
                        Message m;
                        while ((m = s.receive(Duration.ofSeconds(2))) != null) {
                            if (seen.put(ByteBuffer.wrap(m.data()).getInt(), Boolean.TRUE) != null) {
                                duplicates.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        duplicates.addAndGet(1_000_000);
                    }
                }));
            }
            for (int i = 0; i < total; i++) {
                c.send(0, ByteBuffer.allocate(16).putInt(0, i));
            }
            for (Thread t : receivers) {
                t.join();
            }
            assertEquals(0, duplicates.get());
            assertEquals(total, seen.size());
        }
    }
}
