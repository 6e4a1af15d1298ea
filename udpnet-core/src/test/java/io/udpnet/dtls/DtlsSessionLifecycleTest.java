package io.udpnet.dtls;

import io.udpnet.io.ServerMode;
import io.udpnet.transport.DatagramSession;
import io.udpnet.transport.SessionCloseReason;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sessions appear after the handshake, close both ways with close_notify, idle out, and scale to 200 clients. */
class DtlsSessionLifecycleTest {

    private static UdpServer acceptStyle(UdpServerConfig.Builder b) throws Exception {
        return UdpServer.open(b.bindAddress(new InetSocketAddress("127.0.0.1", 0)).dtls(DtlsEchoServers.fast())
                .build());
    }

    /** The engines alive once a closing session finished closing (it is marked closed before it lets go). */
    private static int enginesWhenSettled(UdpServer server) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.dtlsStats().orElseThrow().enginesAlive() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return server.dtlsStats().orElseThrow().enginesAlive();
    }

    @Test
    void acceptGivesTheSessionAfterTheHandshakeAndCloseNotifyEndsItBothWays() throws Exception {
        try (UdpServer server = acceptStyle(UdpServerConfig.builder())) {
            DtlsClient c = DtlsClient.connect(server.localAddress(), DtlsEchoServers.client(server));
            DatagramSession s = server.accept(Duration.ofSeconds(5));
            assertTrue(s != null && s.isSecure(), "no session");
            assertTrue(s.cipherSuite().orElseThrow().startsWith("TLS_"));
            c.send(ByteBuffer.wrap("plain text".getBytes()));
            ByteBuffer buf = ByteBuffer.allocate(100);
            int n = s.receive(buf, Duration.ofSeconds(5));
            assertEquals("plain text", new String(buf.array(), 0, n));
            s.send(ByteBuffer.wrap("reply".getBytes()));
            assertEquals(5, c.receive(ByteBuffer.allocate(100), Duration.ofSeconds(5)));
            // The client closes: the server's session ends with PEER_CLOSED.
            c.close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (s.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(SessionCloseReason.PEER_CLOSED, s.closeReason().orElseThrow());
            assertEquals(0, enginesWhenSettled(server));

            // The server closes a session: the client learns it from close_notify.
            DtlsClient c2 = DtlsClient.connect(server.localAddress(), DtlsEchoServers.client(server));
            DatagramSession s2 = server.accept(Duration.ofSeconds(5));
            s2.close();
            assertThrows(ClosedChannelException.class, () -> c2.receive(ByteBuffer.allocate(10), Duration.ofSeconds(5)));
            assertTrue(!c2.isOpen());
            c2.close();
        }
    }

    @Test
    void aClientThatStartsOverFromTheSameAddressReplacesItsSessionOnceProven() throws Exception {
        try (UdpServer server = acceptStyle(UdpServerConfig.builder());
             Forwarder f = new Forwarder(server.localAddress(), (toServer, n) -> d -> d)) {
            // Both clients reach the server through the forwarder's one socket: the same address.
            DtlsClient first = DtlsClient.connect(f.address(), DtlsEchoServers.client(server));
            DatagramSession s1 = server.accept(Duration.ofSeconds(5));
            try (DtlsClient second = DtlsClient.connect(f.address(), DtlsEchoServers.client(server))) {
                DatagramSession s2 = server.accept(Duration.ofSeconds(5));
                assertTrue(s2 != null && s2.isOpen());
                assertEquals(SessionCloseReason.PEER_CLOSED, s1.closeReason().orElseThrow());
                assertEquals(s1.remoteAddress(), s2.remoteAddress());
                second.send(ByteBuffer.wrap("new".getBytes()));
                ByteBuffer buf = ByteBuffer.allocate(100);
                assertEquals(3, s2.receive(buf, Duration.ofSeconds(5)));
                assertEquals(1, server.sessionCount());
                assertEquals(1, server.dtlsStats().orElseThrow().enginesAlive());
            } finally {
                first.close();
            }
        }
    }

    @Test
    void idleSessionsAreEvictedAndTheirEnginesReleased() throws Exception {
        try (UdpServer server = acceptStyle(UdpServerConfig.builder().idleTimeout(Duration.ofMillis(300)));
             DtlsClient c = DtlsClient.connect(server.localAddress(), DtlsEchoServers.client(server))) {
            DatagramSession s = server.accept(Duration.ofSeconds(5));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (s.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(SessionCloseReason.IDLE_TIMEOUT, s.closeReason().orElseThrow());
            assertEquals(0, enginesWhenSettled(server));
            assertThrows(ClosedChannelException.class, () -> c.receive(ByteBuffer.allocate(10), Duration.ofSeconds(5)));
        }
    }

    @Test
    void dataLargerThanOneRecordIsRefused() throws Exception {
        try (UdpServer server = DtlsEchoServers.open(ServerMode.SHARED, DtlsEchoServers.fast());
             DtlsClient c = DtlsClient.connect(server.localAddress(), DtlsEchoServers.client(server))) {
            assertThrows(IllegalArgumentException.class, () -> c.send(ByteBuffer.allocate(1200)));
            String big = "x".repeat(1100);
            assertEquals(big, DtlsEchoServers.echo(c, big));
        }
    }

    @Test
    void twoHundredConcurrentClientsOnOnePortAllEcho() throws Exception {
        int clients = 200;
        try (UdpServer server = DtlsEchoServers.open(ServerMode.SHARED, DtlsEchoServers.fast());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            DtlsClientConfig config = DtlsClientConfig.builder(
                            DtlsTrust.pinned(server.dtlsCredentials().orElseThrow().fingerprint()))
                    .retransmitTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(4))
                    .handshakeTimeout(Duration.ofSeconds(60)).build();
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    try (DtlsClient c = DtlsClient.connect(server.localAddress(), config)) {
                        String r = null;
                        for (int attempt = 0; attempt < 5 && r == null; attempt++) {
                            r = DtlsEchoServers.echo(c, "client " + id);
                        }
                        return r;
                    }
                }));
            }
            for (int i = 0; i < clients; i++) {
                assertEquals("client " + i, results.get(i).get());
            }
            DtlsStats st = server.dtlsStats().orElseThrow();
            assertEquals(clients, st.handshakesCompleted(), st.toString());
        }
    }
}
