package io.udpnet.transport;

import io.udpnet.io.ServerMode;
import static io.udpnet.transport.TestPeer.bytes;
import static io.udpnet.transport.TestPeer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The documented behaviours of the server, for every strategy where they apply. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerBehaviourTest {
    /** Generous: only reached when something is broken, never on the normal path. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** How long to wait for something that must NOT happen. */
    static final Duration ABSENT = Duration.ofMillis(300);

    static UdpServer open(ServerMode mode, Consumer<UdpServerConfig.Builder> custom) throws IOException {
        UdpServerConfig.Builder b = UdpServerConfig.builder().bindAddress(TestPeer.loopback(0)).mode(mode).shards(2);
        custom.accept(b);
        return UdpServer.open(b.build());
    }

    static String receiveText(DatagramSession s) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        int n = s.receive(buf, WAIT);
        assertTrue(n >= 0, "no datagram within " + WAIT);
        return text(buf.flip());
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void echoThroughAcceptReceiveSendOnVirtualThreads(ServerMode mode) throws Exception {
        UdpServer server = open(mode, b -> { });
        try {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        DatagramSession s = server.accept();
                        Thread.ofVirtual().start(() -> {
                            ByteBuffer buf = ByteBuffer.allocate(2048);
                            try {
                                while (true) {
                                    buf.clear();
                                    s.receive(buf);
                                    s.send(buf.flip());
                                }
                            } catch (IOException closed) {
                                // session or server closed: the echo ends
                            }
                        });
                    }
                } catch (IOException closed) {
                    // server closed: accept() unblocked
                }
            });
            List<TestPeer> peers = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                peers.add(new TestPeer(server.localAddress()));
            }
            for (int round = 0; round < 10; round++) {
                for (int p = 0; p < peers.size(); p++) {
                    String msg = "peer " + p + " round " + round;
                    peers.get(p).send(msg);
                    assertEquals(msg, peers.get(p).receiveText(WAIT));
                }
            }
            assertEquals(4, server.sessionCount());
            assertEquals(40, server.stats().datagramsIn());
            // A send is counted after it returns, possibly after the peer already read the echo.
            await("40 sends to be counted", () -> server.stats().datagramsOut() == 40);
            server.close();
            acceptor.join(WAIT.toMillis());
            assertFalse(acceptor.isAlive(), "accept() was unblocked by close()");
            for (TestPeer p : peers) {
                p.close();
            }
        } finally {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void closeUnblocksAcceptAndReceive(ServerMode mode) throws Exception {
        UdpServer server = open(mode, b -> { });
        try (TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send("hello");
            DatagramSession session = server.accept(WAIT);
            assertNotNull(session);
            assertEquals("hello", receiveText(session));
            AtomicReference<Throwable> fromAccept = new AtomicReference<>();
            AtomicReference<Throwable> fromReceive = new AtomicReference<>();
            Thread a = Thread.ofVirtual().start(() -> {
                try {
                    server.accept();
                } catch (Throwable t) {
                    fromAccept.set(t);
                }
            });
            Thread r = Thread.ofVirtual().start(() -> {
                try {
                    session.receive(ByteBuffer.allocate(100));
                } catch (Throwable t) {
                    fromReceive.set(t);
                }
            });
            Thread.sleep(100); // let both block; the assertions below hold whether or not they got there first
            server.close();
            a.join(WAIT.toMillis());
            r.join(WAIT.toMillis());
            assertInstanceOf(ClosedChannelException.class, fromAccept.get());
            SessionClosedException e = assertInstanceOf(SessionClosedException.class, fromReceive.get());
            assertEquals(SessionCloseReason.SERVER_CLOSED, e.reason());
            assertFalse(session.isOpen());
            assertThrows(SessionClosedException.class, () -> session.send(bytes("late")));
            assertThrows(ClosedChannelException.class, () -> server.sendTo(peer.localAddress(), bytes("late")));
            assertEquals(0, server.sessionCount());
            assertEquals(1, server.stats().sessionsClosed());
        } finally {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void idleSessionIsEvictedAndTheSameAddressLaterOpensANewSession(ServerMode mode) throws Exception {
        try (UdpServer server = open(mode, b -> b.idleTimeout(Duration.ofMillis(1000)));
             TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send("one");
            DatagramSession first = server.accept(WAIT);
            assertNotNull(first);
            assertEquals("one", receiveText(first));
            SessionClosedException e = assertThrows(SessionClosedException.class,
                    () -> first.receive(ByteBuffer.allocate(100), WAIT));
            assertEquals(SessionCloseReason.IDLE_TIMEOUT, e.reason());
            assertEquals(SessionCloseReason.IDLE_TIMEOUT, first.closeReason().orElseThrow());
            assertEquals(0, server.sessionCount());

            peer.send("two");
            DatagramSession second = server.accept(WAIT);
            assertNotNull(second, "a datagram after eviction opens a new session");
            assertNotSame(first, second);
            assertEquals(peer.localAddress(), second.remoteAddress());
            assertEquals("two", receiveText(second));
        }
    }

    @Test
    void aSessionThatKeepsReceivingIsNotEvicted() throws Exception {
        try (UdpServer server = open(ServerMode.SHARED, b -> b.idleTimeout(Duration.ofMillis(600)));
             TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send("0");
            DatagramSession s = server.accept(WAIT);
            assertNotNull(s);
            for (int i = 1; i <= 15; i++) {
                Thread.sleep(50);
                peer.send(Integer.toString(i));
            }
            for (int i = 0; i <= 15; i++) {
                assertEquals(Integer.toString(i), receiveText(s));
            }
            assertTrue(s.isOpen(), "traffic every 50 ms keeps a 600 ms idle time-out away");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void sessionCapDropsAndCountsExcessPeers(ServerMode mode) throws Exception {
        try (UdpServer server = open(mode, b -> b.maxSessions(2));
             TestPeer a = new TestPeer(server.localAddress());
             TestPeer b = new TestPeer(server.localAddress());
             TestPeer c = new TestPeer(server.localAddress())) {
            a.send("a");
            b.send("b");
            DatagramSession sa = server.accept(WAIT);
            DatagramSession sb = server.accept(WAIT);
            assertNotNull(sa);
            assertNotNull(sb);
            c.send("c");
            await("the excess datagram to be counted", () -> server.stats().drops(DatagramDropReason.SESSION_LIMIT) == 1);
            assertNull(server.accept(ABSENT), "no session beyond the cap");
            assertEquals(2, server.sessionCount());
            sa.close();
            c.send("c again");
            DatagramSession sc = server.accept(WAIT);
            assertNotNull(sc, "a slot freed by close() admits the next peer");
            assertEquals(c.localAddress(), sc.remoteAddress());
            assertEquals("c again", receiveText(sc));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void refusedPeerCreatesNoSessionButGetsTheStatelessReply(ServerMode mode) throws Exception {
        PeerAdmissionPolicy cookieCheck = (source, datagram, srv) -> {
            if (text(datagram).equals("hello cookie=42")) {
                return PeerAdmissionPolicy.Verdict.ACCEPT;
            }
            try {
                srv.sendTo(source, bytes("challenge cookie=42"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return PeerAdmissionPolicy.Verdict.REFUSE;
        };
        try (UdpServer server = open(mode, b -> b.peerFilter(cookieCheck));
             TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send("hello");
            assertEquals("challenge cookie=42", peer.receiveText(WAIT));
            assertNull(server.accept(ABSENT));
            await("the stateless reply to be counted", () -> server.stats().datagramsOut() == 1);
            ServerStats stats = server.stats();
            assertEquals(0, stats.sessionsOpened());
            assertEquals(0, stats.activeSessions());
            assertEquals(1, stats.drops(DatagramDropReason.REFUSED));

            peer.send("hello cookie=42");
            DatagramSession s = server.accept(WAIT);
            assertNotNull(s);
            assertEquals("hello cookie=42", receiveText(s));
            assertEquals(1, server.stats().drops(DatagramDropReason.REFUSED));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void aFilterThatThrowsRefusesThePeerAndTheServerKeepsServing(ServerMode mode) throws Exception {
        PeerAdmissionPolicy flaky = (source, datagram, srv) -> {
            if (text(datagram).equals("boom")) {
                throw new IllegalArgumentException("bad datagram");
            }
            return PeerAdmissionPolicy.Verdict.ACCEPT;
        };
        try (UdpServer server = open(mode, b -> b.peerFilter(flaky));
             TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send("boom");
            await("the refusal to be counted", () -> server.stats().drops(DatagramDropReason.REFUSED) == 1);
            peer.send("fine");
            DatagramSession s = server.accept(WAIT);
            assertNotNull(s);
            assertEquals("fine", receiveText(s));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void retransmittedFirstDatagramsDoNotCreateASecondSession(ServerMode mode) throws Exception {
        // The filter holds the I/O thread on the first datagram until the peer has sent two more: they queue up
        // before the session exists, exactly the retransmission race.
        CountDownLatch allSent = new CountDownLatch(1);
        PeerAdmissionPolicy slow = (source, datagram, srv) -> {
            try {
                allSent.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return PeerAdmissionPolicy.Verdict.ACCEPT;
        };
        try (UdpServer server = open(mode, b -> b.peerFilter(slow));
             TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send("first");
            peer.send("first (retransmitted)");
            peer.send("first (again)");
            allSent.countDown();
            DatagramSession s = server.accept(WAIT);
            assertNotNull(s);
            assertEquals("first", receiveText(s));
            assertEquals("first (retransmitted)", receiveText(s));
            assertEquals("first (again)", receiveText(s));
            assertNull(server.accept(ABSENT), "no second session for the same address");
            assertEquals(1, server.stats().sessionsOpened());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void aPeerThatChangesPortIsANewSession(ServerMode mode) throws Exception {
        try (UdpServer server = open(mode, b -> { });
             TestPeer oldPort = new TestPeer(server.localAddress());
             TestPeer newPort = new TestPeer(server.localAddress())) {
            oldPort.send("from old port");
            DatagramSession a = server.accept(WAIT);
            assertNotNull(a);
            newPort.send("from new port");
            DatagramSession b = server.accept(WAIT);
            assertNotNull(b);
            assertEquals("from old port", receiveText(a));
            assertEquals("from new port", receiveText(b));
            assertEquals(newPort.localAddress(), b.remoteAddress());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void afterCloseTheSameAddressOpensANewSession(ServerMode mode) throws Exception {
        try (UdpServer server = open(mode, b -> { });
             TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send("one");
            DatagramSession first = server.accept(WAIT);
            assertNotNull(first);
            first.close();
            SessionClosedException e = assertThrows(SessionClosedException.class,
                    () -> first.receive(ByteBuffer.allocate(100), WAIT));
            assertEquals(SessionCloseReason.LOCAL_CLOSE, e.reason());
            peer.send("two");
            DatagramSession second = server.accept(WAIT);
            assertNotNull(second);
            assertEquals("two", receiveText(second));
            second.send(bytes("reply"));
            assertEquals("reply", peer.receiveText(WAIT));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void aFullReceiveQueueDropsAndCounts(ServerMode mode) throws Exception {
        try (UdpServer server = open(mode, b -> b.receiveQueueCapacity(4));
             TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send("hello");
            DatagramSession s = server.accept(WAIT);
            assertNotNull(s);
            for (int i = 0; i < 20; i++) {
                peer.send("n" + i);
            }
            // The I/O thread counts a datagram in before it counts its drop: wait for both.
            await("all 21 datagrams to arrive and be sorted", () -> server.stats().datagramsIn() == 21
                    && server.stats().drops(DatagramDropReason.QUEUE_FULL) + s.receivedCount() >= 21);
            assertEquals(17, server.stats().drops(DatagramDropReason.QUEUE_FULL));
            assertEquals(17, s.droppedCount());
            assertEquals(4, s.receivedCount());
            assertEquals("hello", receiveText(s));
            for (int i = 0; i < 3; i++) {
                receiveText(s);
            }
            assertEquals(-1, s.receive(ByteBuffer.allocate(100), ABSENT));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void oversizeDatagramsAreDroppedAndCounted(ServerMode mode) throws Exception {
        try (UdpServer server = open(mode, b -> b.maxDatagramSize(100));
             TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send(new byte[101]);
            await("the oversize drop", () -> server.stats().drops(DatagramDropReason.OVERSIZE) == 1);
            assertNull(server.accept(ABSENT));
            peer.send(new byte[100]);
            DatagramSession s = server.accept(WAIT);
            assertNotNull(s);
            assertEquals(100, s.receive(ByteBuffer.allocate(200), WAIT));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void ipv6Loopback(ServerMode mode) throws Exception {
        InetSocketAddress v6 = Ipv6.loopbackOrSkip();
        try (UdpServer server = open(mode, b -> b.bindAddress(v6));
             TestPeer peer = new TestPeer(new InetSocketAddress(v6.getAddress(), 0), v6.getAddress())) {
            TestPeer target = new TestPeer(server.localAddress(), v6.getAddress());
            target.send("over ::1");
            DatagramSession s = server.accept(WAIT);
            assertNotNull(s);
            assertEquals(target.localAddress(), s.remoteAddress());
            assertEquals("over ::1", receiveText(s));
            s.send(bytes("back over ::1"));
            assertEquals("back over ::1", target.receiveText(WAIT));
            target.close();
            assertNotNull(peer.localAddress());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void wildcardBindServesIpv4Loopback(ServerMode mode) throws Exception {
        try (UdpServer server = open(mode, b -> b.bindAddress(new InetSocketAddress(0)));
             TestPeer peer = new TestPeer(TestPeer.loopback(server.localAddress().getPort()))) {
            peer.send("to the wildcard");
            DatagramSession s = server.accept(WAIT);
            assertNotNull(s);
            assertEquals(peer.localAddress(), s.remoteAddress());
            assertEquals("to the wildcard", receiveText(s));
            s.send(bytes("from the wildcard"));
            assertEquals("from the wildcard", peer.receiveText(WAIT));
        }
    }

    @Test
    void connectedSessionReportsPortUnreachableAndCloses() throws Exception {
        try (UdpServer server = open(ServerMode.CONNECTED, b -> { })) {
            TestPeer peer = new TestPeer(server.localAddress());
            peer.send("hello");
            DatagramSession s = server.accept(WAIT);
            assertNotNull(s);
            assertTrue(s.hasOwnSocket());
            assertEquals("hello", receiveText(s));
            peer.close();
            // The ICMP answer to a send arrives asynchronously; keep sending until the session learns of it.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (s.isOpen() && System.nanoTime() < deadline) {
                try {
                    s.send(bytes("anyone there?"));
                } catch (PortUnreachableException | SessionClosedException expected) {
                    break;
                }
                Thread.sleep(20);
            }
            await("the session to close", () -> !s.isOpen());
            assertEquals(SessionCloseReason.PORT_UNREACHABLE, s.closeReason().orElseThrow());
            SessionClosedException e = assertThrows(SessionClosedException.class,
                    () -> s.receive(ByteBuffer.allocate(100), WAIT));
            assertEquals(SessionCloseReason.PORT_UNREACHABLE, e.reason());
            assertInstanceOf(PortUnreachableException.class, e.getCause());
            assertEquals(0, server.stats().connectedSockets());
        }
    }

    @Test
    void aSharedSessionCannotSeePortUnreachable() throws Exception {
        try (UdpServer server = open(ServerMode.SHARED, b -> { })) {
            TestPeer peer = new TestPeer(server.localAddress());
            peer.send("hello");
            DatagramSession s = server.accept(WAIT);
            assertNotNull(s);
            assertFalse(s.hasOwnSocket());
            peer.close();
            for (int i = 0; i < 5; i++) {
                s.send(bytes("anyone there?"));
                Thread.sleep(20);
            }
            assertTrue(s.isOpen(), "an unconnected socket gets no ICMP errors; only idle eviction ends this session");
        }
    }
}
