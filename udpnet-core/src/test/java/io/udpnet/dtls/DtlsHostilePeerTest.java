package io.udpnet.dtls;

import io.udpnet.io.ServerMode;
import io.udpnet.transport.DatagramDropReason;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spoofed hellos, replayed cookies, tampered records and lost flights against the DTLS server. */
class DtlsHostilePeerTest {

    /** A real ClientHello, as the JDK's client sends it first (message_seq 0, no cookie). */
    static byte[] clientHello() throws Exception {
        SSLContext ctx = SSLContext.getInstance("DTLSv1.2");
        ctx.init(null, DtlsTrust.insecureTrustAll().managers(), new SecureRandom());
        SSLEngine e = ctx.createSSLEngine("localhost", 1);
        e.setUseClientMode(true);
        e.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        e.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /** {@code hello} with {@code cookie} put into its cookie field and message_seq 1, as a client's second hello. */
    static byte[] withCookie(byte[] hello, byte[] cookie) {
        ClientHello h = new ClientHello();
        assertTrue(h.parse(ByteBuffer.wrap(hello)));
        int at = h.cookieOffset();
        byte[] out = new byte[hello.length + cookie.length];
        System.arraycopy(hello, 0, out, 0, at - 1);
        out[at - 1] = (byte) cookie.length;
        System.arraycopy(cookie, 0, out, at, cookie.length);
        System.arraycopy(hello, at, out, at + cookie.length, hello.length - at);
        int recordLength = ((out[11] & 0xff) << 8 | (out[12] & 0xff)) + cookie.length;
        out[11] = (byte) (recordLength >> 8);
        out[12] = (byte) recordLength;
        int body = h.bodyLength() + cookie.length;
        for (int off : new int[] {14, 22}) { // handshake length and fragment_length
            out[off] = (byte) (body >> 16);
            out[off + 1] = (byte) (body >> 8);
            out[off + 2] = (byte) body;
        }
        out[17] = 0;
        out[18] = 1; // message_seq
        return out;
    }

    @Test
    void aFloodOfHellosFromManyPortsLeavesNothingBehindAndIsNeverAmplified() throws Exception {
        byte[] hello = clientHello();
        byte[] forged = withCookie(hello, new byte[HelloCookies.COOKIE_BYTES]);
        try (UdpServer server = DtlsEchoServers.open(ServerMode.SHARDED, DtlsServerConfig.builder().build())) {
            long requestBytes = 0;
            long replyBytes = 0;
            int replies = 0;
            int largestReply = 0;
            byte[] stolenCookie = null;
            for (int round = 0; round < 10; round++) {
                List<DatagramSocket> sockets = new ArrayList<>();
                try {
                    for (int i = 0; i < 200; i++) {
                        DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                        s.setSoTimeout(2000);
                        sockets.add(s);
                        byte[] d = i % 4 == 3 ? forged : hello;
                        s.send(new DatagramPacket(d, d.length, server.localAddress()));
                        requestBytes += d.length;
                    }
                    for (DatagramSocket s : sockets) {
                        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                        try {
                            s.receive(p);
                        } catch (SocketTimeoutException e) {
                            continue;
                        }
                        replies++;
                        replyBytes += p.getLength();
                        largestReply = Math.max(largestReply, p.getLength());
                        if (stolenCookie == null) {
                            // The cookie sits at the end of the HelloVerifyRequest.
                            stolenCookie = Arrays.copyOfRange(p.getData(), p.getLength() - HelloCookies.COOKIE_BYTES,
                                    p.getLength());
                        }
                    }
                } finally {
                    sockets.forEach(DatagramSocket::close);
                }
            }
            // A cookie made for one port, replayed from others: still no engine.
            byte[] replay = withCookie(hello, stolenCookie);
            for (int i = 0; i < 50; i++) {
                try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    s.send(new DatagramPacket(replay, replay.length, server.localAddress()));
                    requestBytes += replay.length;
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            DtlsStats stats;
            do {
                Thread.sleep(50);
                stats = server.dtlsStats().orElseThrow();
            } while (stats.helloVerifyRequestsSent() < 2050 && System.nanoTime() < deadline);
            assertTrue(replies >= 1900, "replies: " + replies);
            assertTrue(largestReply <= Math.min(hello.length, forged.length), "reply of " + largestReply + " bytes");
            assertTrue(replyBytes <= requestBytes, replyBytes + " bytes out for " + requestBytes + " in");
            assertTrue(stats.helloVerifyBytesSent() <= stats.helloVerifyBytesAnswered(), stats.toString());
            assertEquals(0, stats.handshakesStarted(), stats.toString());
            assertEquals(0, stats.enginesAlive(), stats.toString());
            assertEquals(0, stats.handshakesInProgress(), stats.toString());
            assertEquals(0, server.sessionCount());
        }
    }

    @Test
    void cookielessHellosBeyondTheRateLimitAreDroppedAndCounted() throws Exception {
        byte[] hello = clientHello();
        try (UdpServer server = DtlsEchoServers.open(ServerMode.SHARED,
                DtlsServerConfig.builder().helloVerifyRequestsPerSecond(20).build());
             DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 200; i++) {
                s.send(new DatagramPacket(hello, hello.length, server.localAddress()));
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.stats().drops(DatagramDropReason.DTLS_RATE_LIMITED) + server.dtlsStats().orElseThrow()
                    .helloVerifyRequestsSent() < 200 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            DtlsStats st = server.dtlsStats().orElseThrow();
            assertTrue(st.helloVerifyRequestsSent() <= 40, st.toString());
            assertEquals(200 - st.helloVerifyRequestsSent(), st.helloVerifyRateLimited(), st.toString());
            assertEquals(st.helloVerifyRateLimited(), server.stats().drops(DatagramDropReason.DTLS_RATE_LIMITED));
        }
    }

    @Test
    void garbageFromUnknownPeersIsRejectedAndCounted() throws Exception {
        try (UdpServer server = DtlsEchoServers.open(ServerMode.SHARED, DtlsServerConfig.builder().build());
             DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] small = clientHello();
            SecureRandom r = new SecureRandom();
            for (int i = 0; i < 50; i++) {
                byte[] d = new byte[1 + r.nextInt(300)];
                r.nextBytes(d);
                s.send(new DatagramPacket(d, d.length, server.localAddress()));
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.dtlsStats().orElseThrow().hellosRejected() < 50 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(50, server.dtlsStats().orElseThrow().hellosRejected());
            assertEquals(50, server.stats().drops(DatagramDropReason.DTLS_REJECTED));
            assertEquals(0, server.dtlsStats().orElseThrow().enginesAlive());
            assertTrue(small.length > 0);
        }
    }

    @Test
    void aTamperedRecordIsDroppedWithoutKillingTheSession() throws Exception {
        AtomicBoolean tamper = new AtomicBoolean();
        try (UdpServer server = DtlsEchoServers.open(ServerMode.SHARED, DtlsEchoServers.fast());
             Forwarder f = new Forwarder(server.localAddress(), (toServer, n) -> d -> {
                 if (toServer && d[0] == 23 && tamper.getAndSet(false)) {
                     d[d.length - 1] ^= 0x40; // inside the AEAD tag
                 }
                 return d;
             });
             DtlsClient c = DtlsClient.connect(f.address(), DtlsEchoServers.client(server))) {
            assertEquals("before", DtlsEchoServers.echo(c, "before"));
            tamper.set(true);
            c.send(ByteBuffer.wrap("tampered".getBytes()));
            assertEquals(-1, c.receive(ByteBuffer.allocate(100), Duration.ofMillis(500)));
            assertEquals("after", DtlsEchoServers.echo(c, "after"));
            assertEquals(1, server.sessionCount());
            assertEquals(1, server.dtlsStats().orElseThrow().invalidRecords());
            assertEquals(1, server.stats().drops(DatagramDropReason.DTLS_INVALID_RECORD));
        }
    }

    @Test
    void lostHandshakeFlightsAreRetransmitted() throws Exception {
        // Server to client: 1 is udpnet's HelloVerifyRequest, 2 the engine's, 3.. the ServerHello flight. Lose the
        // first datagram of that flight, and the client's first datagram after the ServerHello flight.
        try (UdpServer server = DtlsEchoServers.open(ServerMode.SHARED, DtlsEchoServers.fast());
             Forwarder f = new Forwarder(server.localAddress(), (toServer, n) -> d ->
                     (!toServer && n == 3) || (toServer && n == 4) ? null : d);
             DtlsClient c = DtlsClient.connect(f.address(), DtlsEchoServers.client(server))) {
            assertEquals("through", DtlsEchoServers.echo(c, "through"));
            assertEquals(2, f.dropped.get());
            assertEquals(1, server.dtlsStats().orElseThrow().handshakesCompleted());
        }
    }

    @Test
    void theHandshakeBoundRefusesProvenClientsBeyondIt() throws Exception {
        try (UdpServer server = DtlsEchoServers.open(UdpServerConfig.builder().mode(ServerMode.SHARED),
                DtlsServerConfig.builder().maxHandshakes(1).handshakeTimeout(Duration.ofSeconds(1))
                        .retransmitTimeouts(Duration.ofMillis(200), Duration.ofMillis(400)).build());
             DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket s2 = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(2000);
            s2.setSoTimeout(2000);
            byte[] hello = clientHello();
            // Two clients prove their addresses; the first holds the only handshake slot (it never answers).
            for (DatagramSocket sock : List.of(s, s2)) {
                sock.send(new DatagramPacket(hello, hello.length, server.localAddress()));
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                sock.receive(p);
                byte[] cookie = Arrays.copyOfRange(p.getData(), p.getLength() - HelloCookies.COOKIE_BYTES,
                        p.getLength());
                byte[] second = withCookie(hello, cookie);
                sock.send(new DatagramPacket(second, second.length, server.localAddress()));
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.stats().drops(DatagramDropReason.HANDSHAKE_LIMIT) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            DtlsStats st = server.dtlsStats().orElseThrow();
            assertEquals(1, st.handshakesStarted(), st.toString());
            assertEquals(1, st.handshakesRefused(), st.toString());
            assertEquals(1, server.stats().drops(DatagramDropReason.HANDSHAKE_LIMIT));
            assertEquals(1, st.enginesAlive());
            // The silent client's handshake times out and its engine goes.
            deadline = System.nanoTime() + 10_000_000_000L;
            while (server.dtlsStats().orElseThrow().enginesAlive() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            st = server.dtlsStats().orElseThrow();
            assertEquals(0, st.enginesAlive(), st.toString());
            assertEquals(0, st.handshakesInProgress(), st.toString());
            assertEquals(1, st.handshakesFailed(), st.toString());
        }
    }
}
