package io.udpnet.transport;

import io.udpnet.io.ServerMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.BindException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Opening, sharing a port, idling and closing. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerLifecycleTest {

    @Test
    void shardedModeBindsEverySocketToTheOnePortResolvedFromPortZero() throws Exception {
        try (UdpServer server = ServerBehaviourTest.open(ServerMode.SHARDED, b -> b.shards(3))) {
            assertEquals(ServerMode.SHARDED, server.mode(), "Linux supports SO_REUSEPORT");
            assertTrue(server.localAddress().getPort() > 0);
            assertEquals(3, ioThreads(server.localAddress().getPort()).length);
        }
    }

    @Test
    void sharedModeDoesNotLetASecondServerShareItsPort() throws Exception {
        try (UdpServer server = ServerBehaviourTest.open(ServerMode.SHARED, b -> { })) {
            assertThrows(BindException.class, () -> ServerBehaviourTest.open(ServerMode.SHARED,
                    b -> b.bindAddress(server.localAddress())));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void anIdleServerBurnsNoCpuAndCloseStopsItsThreads(ServerMode mode) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        UdpServer server = ServerBehaviourTest.open(mode, b -> { });
        int port = server.localAddress().getPort();
        try (TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send("one session, then silence");
            ServerBehaviourTest.receiveText(server.accept(ServerBehaviourTest.WAIT));
            Thread[] io = ioThreads(port);
            long before = Arrays.stream(io).mapToLong(t -> mx.getThreadCpuTime(t.threadId())).sum();
            Thread.sleep(500);
            long after = Arrays.stream(io).mapToLong(t -> mx.getThreadCpuTime(t.threadId())).sum();
            // A spinning thread would use about the whole 500 ms; a blocked one uses (almost) nothing.
            assertTrue(after - before < 50_000_000L, "idle I/O threads used " + (after - before) / 1000 + " µs");
        } finally {
            server.close();
        }
        assertEquals(0, ioThreads(port).length, "close() stopped the I/O threads");
        assertFalse(server.isOpen());
        server.close(); // idempotent
    }

    private static Thread[] ioThreads(int port) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("udpnet-io-" + port + "-") && t.isAlive())
                .toArray(Thread[]::new);
    }
}
