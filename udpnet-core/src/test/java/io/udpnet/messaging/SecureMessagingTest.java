package io.udpnet.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.ConnectionConfig;
import io.udpnet.dtls.DtlsClientConfig;
import io.udpnet.dtls.DtlsServerConfig;
import io.udpnet.dtls.DtlsStats;
import io.udpnet.dtls.DtlsTrust;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** MessageServer and MessageClient over DTLS 1.2, on loopback. */
@Timeout(120)
class SecureMessagingTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final ConnectionConfig SHORT = ConnectionConfig.defaults().toBuilder()
            .connectTimeout(Duration.ofSeconds(2)).build();

    static MessageServer secureServer(ServerMode mode, ConnectionConfig connection) throws Exception {
        return MessageServer.open(MessageServerConfig.builder().mode(mode).shards(2).connection(connection)
                .dtls(DtlsServerConfig.builder().build()).build());
    }

    static MessageClient secureClient(MessageServer server, ConnectionConfig connection) throws Exception {
        return MessageClient.open(MessageClientConfig.builder().connection(connection)
                .dtls(DtlsClientConfig.builder(DtlsTrust.pinned(server.dtlsCredentials().fingerprint())).build())
                .build());
    }

    static void echoAll(MessageServer server) {
        Thread.startVirtualThread(() -> {
            try {
                while (true) {
                    MessageConnection c = server.accept();
                    Thread.startVirtualThread(() -> MessagingEchoTest.echo(c));
                }
            } catch (Exception e) {
                // server closed
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void everyDeliveryModeAndChannelEchoesOverDtls(ServerMode mode) throws Exception {
        try (MessageServer server = secureServer(mode, ConnectionConfig.defaults());
             MessageClient client = secureClient(server, ConnectionConfig.defaults())) {
            echoAll(server);
            MessageConnection c = client.connect(server.localAddress());
            assertEquals(MessageConnection.State.OPEN, c.state());
            Random random = new Random(7);
            int count = 120;
            byte[][] sent = new byte[count][];
            for (int i = 0; i < count; i++) {
                // Every tenth message is tens of KB: fragmented into dozens of records.
                sent[i] = new byte[1 + random.nextInt(i % 10 == 0 ? 40_000 : 300)];
                random.nextBytes(sent[i]);
                c.send(0, sent[i]);
            }
            for (int i = 0; i < count; i++) {
                Message m = c.receive(WAIT);
                assertNotNull(m, "echo " + i + " missing");
                assertEquals(0, m.channel());
                assertArrayEquals(sent[i], m.data(), "echo " + i);
            }
            for (int ch = 1; ch < ConnectionConfig.defaults().channels().size(); ch++) {
                byte[] data = ("channel " + ch).getBytes(StandardCharsets.UTF_8);
                c.send(ch, data);
                Message m = c.receive(WAIT);
                assertNotNull(m, "channel " + ch);
                assertEquals(ch, m.channel());
                assertArrayEquals(data, m.data());
            }
            DtlsStats stats = server.dtlsStats();
            assertEquals(1, stats.handshakesCompleted());
            assertEquals(0, stats.invalidRecords());
            c.close("bye");
        }
    }

    @Test
    void severalClientsAtOnceEachInItsOwnSession() throws Exception {
        try (MessageServer server = secureServer(ServerMode.SHARDED, ConnectionConfig.defaults());
             MessageClient client = secureClient(server, ConnectionConfig.defaults())) {
            echoAll(server);
            MessageConnection[] cs = new MessageConnection[6];
            for (int i = 0; i < cs.length; i++) {
                cs[i] = client.connect(server.localAddress());
            }
            for (int i = 0; i < cs.length; i++) {
                cs[i].send(0, ("client " + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < cs.length; i++) {
                Message m = cs[i].receive(WAIT);
                assertNotNull(m);
                assertEquals("client " + i, new String(m.data(), StandardCharsets.UTF_8));
            }
            assertEquals(cs.length, server.dtlsStats().handshakesCompleted());
            assertEquals(cs.length, server.dtlsStats().enginesAlive());
        }
    }

    @Test
    void everyDatagramOnTheWireIsADtlsRecordAndTheHandshakeComesFirst() throws Exception {
        try (MessageServer server = secureServer(ServerMode.SHARED, ConnectionConfig.defaults());
             Recorder relay = new Recorder(server.localAddress());
             MessageClient client = secureClient(server, ConnectionConfig.defaults())) {
            echoAll(server);
            MessageConnection c = client.connect(relay.address());
            byte[] big = new byte[30_000];
            new Random(3).nextBytes(big);
            c.send(0, big);
            Message m = c.receive(WAIT);
            assertNotNull(m);
            assertArrayEquals(big, m.data());
            c.close("bye");
            relay.settle();
            assertTrue(relay.count > 20, "datagrams seen: " + relay.count);
            assertEquals(0, relay.notDtls, "datagrams that were not DTLS 1.2 records");
            assertEquals(22, relay.firstType, "the first datagram is a handshake record (ClientHello)");
            assertTrue(relay.handshakeBeforeData, "no application data before the DTLS handshake's records");
            // Full udpnet datagrams (1200 bytes) went out, each in one record of 37 bytes more.
            assertTrue(relay.largest > 1200 && relay.largest <= 1200 + 37, "largest datagram " + relay.largest);
        }
    }

    @Test
    void pathMtuDiscoveryStopsOneRecordOverheadBelowTheDtlsMaximum() throws Exception {
        ConnectionConfig wide = ConnectionConfig.defaults().toBuilder().maxDatagramSize(1472).build();
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().connection(wide)
                .dtls(DtlsServerConfig.builder().maxDatagramSize(1472).build()).build());
             Recorder relay = new Recorder(server.localAddress());
             MessageClient client = MessageClient.open(MessageClientConfig.builder().connection(wide)
                     .dtls(DtlsClientConfig.builder(DtlsTrust.pinned(server.dtlsCredentials().fingerprint()))
                             .maxDatagramSize(1472).build()).build())) {
            assertEquals(1472 - 37, server.config().connection().maxDatagramSize());
            assertEquals(1472 - 37, MessageClientConfig.builder().connection(wide)
                    .dtls(DtlsClientConfig.builder(DtlsTrust.insecureTrustAll()).maxDatagramSize(1472).build())
                    .build().connection().maxDatagramSize());
            // Without a wider DTLS maximum udpnet stays at its floor, 1200 (a record of 1237).
            assertEquals(1200, MessageClientConfig.builder().connection(wide)
                    .dtls(DtlsClientConfig.builder(DtlsTrust.insecureTrustAll()).build())
                    .build().connection().maxDatagramSize());
            echoAll(server);
            MessageConnection c = client.connect(relay.address());
            byte[] chunk = new byte[20_000];
            long deadline = System.nanoTime() + WAIT.toNanos();
            // Keep data flowing until path MTU discovery has raised the datagram size above the floor.
            while (relay.largest <= 1237 && System.nanoTime() < deadline) {
                c.send(0, chunk);
                assertNotNull(c.receive(WAIT));
            }
            relay.settle();
            assertTrue(relay.largest > 1237, "discovery never went above the floor: " + relay.largest);
            assertTrue(relay.largest <= 1472, "a DTLS datagram over the path's size: " + relay.largest);
            assertEquals(0, relay.notDtls);
        }
    }

    @Test
    void aDtlsSessionWithoutAUdpnetConnectionIsClosedAfterTheConnectTimeOut() throws Exception {
        try (MessageServer server = secureServer(ServerMode.SHARED, SHORT);
             io.udpnet.dtls.DtlsClient raw = io.udpnet.dtls.DtlsClient.connect(server.localAddress(),
                     DtlsClientConfig.builder(DtlsTrust.pinned(server.dtlsCredentials().fingerprint())).build())) {
            assertEquals(1, server.dtlsStats().enginesAlive());
            // Not a udpnet datagram: dropped by the endpoint inside the session, which lives on for now.
            raw.send(ByteBuffer.wrap("not udpnet".getBytes(StandardCharsets.UTF_8)));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (server.dtlsStats().enginesAlive() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, server.dtlsStats().enginesAlive(), "the idle session is gone");
            assertEquals(0, server.stats().connections());
            // It was closed with close_notify: the client sees its session end.
            long until = System.nanoTime() + WAIT.toNanos();
            IOException ended = null;
            while (ended == null && System.nanoTime() < until) {
                try {
                    raw.receive(ByteBuffer.allocate(2048), Duration.ofMillis(100));
                } catch (IOException e) {
                    ended = e;
                }
            }
            assertNotNull(ended, "the client never heard close_notify");
        }
    }

    @Test
    void aCipherSuiteWhoseRecordsCannotHoldUdpnetDatagramsIsRefusedWithAReason() throws Exception {
        String cbc = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256";   // 70 bytes of overhead at most, not 37
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().connection(SHORT)
                .dtls(DtlsServerConfig.builder().cipherSuites(cbc).build()).build());
             MessageClient client = MessageClient.open(MessageClientConfig.builder().connection(SHORT)
                     .dtls(DtlsClientConfig.builder(DtlsTrust.pinned(server.dtlsCredentials().fingerprint()))
                             .cipherSuites(cbc).build()).build())) {
            ConnectFailedException e = assertThrows(ConnectFailedException.class,
                    () -> client.connect(server.localAddress()));
            assertEquals(DisconnectCode.PROTOCOL_VIOLATION, e.reason().code());
            assertTrue(e.reason().text().contains("cipher suite " + cbc), e.reason().text());
            assertEquals(0, server.dtlsStats().enginesAlive());
            assertEquals(0, server.stats().connections());
        }
    }

    @Test
    void aSecureClientCannotTalkToAPlainServer() throws Exception {
        try (MessageServer plain = MessageServer.open(MessageServerConfig.builder().connection(SHORT).build());
             MessageClient client = MessageClient.open(MessageClientConfig.builder().connection(SHORT)
                     .dtls(DtlsClientConfig.builder(DtlsTrust.insecureTrustAll()).build()).build())) {
            long start = System.nanoTime();
            ConnectFailedException e = assertThrows(ConnectFailedException.class,
                    () -> client.connect(plain.localAddress()));
            assertEquals(DisconnectCode.CONNECT_TIMED_OUT, e.reason().code());
            assertTrue(e.reason().text().startsWith("DTLS: no handshake"), e.reason().text());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8), "took too long");
            assertNull(plain.accept(Duration.ofMillis(100)));
        }
    }

    @Test
    void aPlainClientCannotTalkToASecureServer() throws Exception {
        try (MessageServer server = secureServer(ServerMode.SHARED, SHORT);
             MessageClient client = MessageClient.open(SHORT)) {
            long start = System.nanoTime();
            ConnectFailedException e = assertThrows(ConnectFailedException.class,
                    () -> client.connect(server.localAddress()));
            assertEquals(DisconnectCode.CONNECT_TIMED_OUT, e.reason().code());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8), "took too long");
            assertTrue(server.dtlsStats().hellosRejected() > 0, "the REQUEST counted as rejected");
            assertEquals(0, server.dtlsStats().enginesAlive());
            assertNull(server.accept(Duration.ofMillis(100)));
        }
    }

    @Test
    void anUntrustedServerFailsTheConnectWithTheDtlsReason() throws Exception {
        try (MessageServer server = secureServer(ServerMode.SHARED, SHORT);
             MessageClient client = MessageClient.open(MessageClientConfig.builder().connection(SHORT)
                     .dtls(DtlsClientConfig.builder(DtlsTrust.pinned("00".repeat(32))).build()).build())) {
            ConnectFailedException e = assertThrows(ConnectFailedException.class,
                    () -> client.connect(server.localAddress()));
            assertEquals(DisconnectCode.PROTOCOL_VIOLATION, e.reason().code());
            assertTrue(e.reason().text().startsWith("DTLS"), e.reason().text());
        }
    }

    @Test
    void closeNotifyEndsTheConnectionOnTheOtherSide() throws Exception {
        try (MessageServer server = secureServer(ServerMode.SHARED, ConnectionConfig.defaults());
             MessageClient client = secureClient(server, ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(WAIT);
            assertNotNull(s);
            s.close("server says bye");
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> c.receive(WAIT));
            assertEquals("server says bye", e.reason().text());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (server.dtlsStats().enginesAlive() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, server.dtlsStats().enginesAlive(), "the session ends with its connection");
        }
    }

    @Test
    void spoofedHellosLeaveNoStateAndAreNotAmplified() throws Exception {
        byte[] hello = clientHello();
        try (MessageServer server = secureServer(ServerMode.SHARED, ConnectionConfig.defaults())) {
            int senders = 200;
            int answers = 0;
            for (int i = 0; i < senders; i++) {
                try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    s.setSoTimeout(2000);
                    s.send(new DatagramPacket(hello, hello.length, server.localAddress()));
                    // A forged record (not a hello) as well: dropped without an answer.
                    byte[] junk = Arrays.copyOf(hello, 60);
                    junk[0] = 23;
                    s.send(new DatagramPacket(junk, junk.length, server.localAddress()));
                    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                    try {
                        s.receive(p);
                        answers++;
                        assertTrue(p.getLength() <= hello.length, "reply of " + p.getLength() + " bytes");
                        assertEquals(3, p.getData()[13], "a HelloVerifyRequest");
                    } catch (SocketTimeoutException e) {
                        // rate-limited: allowed
                    }
                }
            }
            assertTrue(answers > 0);
            DtlsStats stats = server.dtlsStats();
            assertEquals(0, stats.enginesAlive());
            assertEquals(0, stats.handshakesStarted());
            assertEquals(0, server.stats().connections());
        }
    }

    /** A real first ClientHello of the JDK's (message_seq 0, no cookie). */
    static byte[] clientHello() throws Exception {
        SSLContext ctx = SSLContext.getInstance("DTLSv1.2");
        ctx.init(null, null, null);
        SSLEngine e = ctx.createSSLEngine("localhost", 1);
        e.setUseClientMode(true);
        e.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        e.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /** A relay that looks at every datagram from the client: each must be DTLS 1.2 records. */
    static final class Recorder implements AutoCloseable {
        private final DatagramSocket front;
        private final DatagramSocket back;
        private final InetSocketAddress server;
        private volatile InetSocketAddress client;
        volatile int count;
        volatile int notDtls;
        volatile int firstType = -1;
        volatile int largest;
        volatile boolean handshakeBeforeData = true;
        private volatile boolean sawHandshakeEnd;

        Recorder(InetSocketAddress server) throws Exception {
            this.server = server;
            this.front = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            this.back = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            front.setSoTimeout(100);
            back.setSoTimeout(100);
            Thread.ofPlatform().daemon().start(() -> pump(true));
            Thread.ofPlatform().daemon().start(() -> pump(false));
        }

        InetSocketAddress address() {
            return (InetSocketAddress) front.getLocalSocketAddress();
        }

        void settle() throws InterruptedException {
            Thread.sleep(300);
        }

        private void pump(boolean up) {
            DatagramSocket from = up ? front : back;
            DatagramSocket to = up ? back : front;
            byte[] buf = new byte[65536];
            while (!from.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    from.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (Exception e) {
                    return;
                }
                if (up) {
                    client = (InetSocketAddress) p.getSocketAddress();
                    look(p.getData(), p.getLength());
                }
                try {
                    to.send(new DatagramPacket(p.getData(), p.getLength(), up ? server : client));
                } catch (Exception e) {
                    return;
                }
            }
        }

        /** Walks the records of one datagram from the client. */
        private synchronized void look(byte[] d, int n) {
            count++;
            largest = Math.max(largest, n);
            if (firstType < 0) {
                firstType = d[0];
            }
            int at = 0;
            while (at < n) {
                if (n - at < 13 || (d[at + 1] & 0xff) != 0xfe || (d[at + 2] & 0xff) != 0xfd) {
                    notDtls++;
                    return;
                }
                int type = d[at];
                int epoch = (d[at + 3] & 0xff) << 8 | d[at + 4] & 0xff;
                if (type == 20) {
                    sawHandshakeEnd = true;   // ChangeCipherSpec: the client's last flight
                }
                if (type == 23 && (!sawHandshakeEnd || epoch == 0)) {
                    handshakeBeforeData = false;
                }
                if (type < 20 || type > 23) {
                    notDtls++;
                    return;
                }
                at += 13 + ((d[at + 11] & 0xff) << 8 | d[at + 12] & 0xff);
            }
            if (at != n) {
                notDtls++;
            }
        }

        @Override
        public void close() {
            front.close();
            back.close();
        }
    }
}
