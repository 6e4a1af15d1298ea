package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.wire.Crc;
import io.udpnet.wire.Handshake;
import io.udpnet.wire.WireFormat;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What spoofed, forged and replayed handshakes can make a server do: allocate nothing, amplify nothing. */
class HandshakeSecurityTest {
    private static final ConnectionConfig CONFIG = ConnectionConfig.defaults();
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 7001);
    private final Crc crc = new Crc();
    private final ByteBuffer out = ByteBuffer.allocate(1500);
    private int accepted;
    private final ServerEndpoint server = new ServerEndpoint(CONFIG,
            ServerEndpointConfig.builder().challengesPerSecond(1_000_000).build(),
            (from, payload) -> {
                accepted++;
                return Admission.accept(new Recorder(() -> 0));
            }, new SplittableRandom(3));

    private ByteBuffer request(long nonce) {
        ByteBuffer b = ByteBuffer.allocate(Handshake.PADDED_SIZE);
        Handshake.writeRequest(b, WireFormat.VERSION, WireFormat.VERSION, nonce, CONFIG.sharedSettings(), crc);
        return b;
    }

    /** Sends a REQUEST from {@code from} and returns the CHALLENGE it got. */
    private ByteBuffer challenge(InetSocketAddress from, long nonce, long now) {
        server.handleDatagram(from, request(nonce), now);
        InetSocketAddress to = server.pollTransmit(out, now);
        assertEquals(from, to);
        assertEquals(Handshake.KIND_CHALLENGE, Handshake.kind(out));
        return ByteBuffer.allocate(out.limit()).put(0, out, 0, out.limit());
    }

    private ByteBuffer response(long nonce, ByteBuffer challenge) {
        ByteBuffer b = ByteBuffer.allocate(Handshake.PADDED_SIZE);
        Handshake.writeResponse(b, WireFormat.VERSION, nonce, challenge, CONFIG.digest(), ByteBuffer.allocate(0), crc);
        return b;
    }

    @Test
    void tenThousandSpoofedSourcesLeaveNoStateAndGetNoMoreBytesThanTheySent() {
        SplittableRandom random = new SplittableRandom(42);
        long now = 0;
        long maxReply = 0;
        for (int i = 0; i < 10_000; i++) {
            InetSocketAddress spoofed = new InetSocketAddress("127.0." + (i >> 8 & 255) + "." + (i & 255), 1024 + i);
            ByteBuffer req = request(random.nextLong());
            int sent = req.remaining();
            server.handleDatagram(spoofed, req, now);
            InetSocketAddress to;
            while ((to = server.pollTransmit(out, now)) != null) {
                assertEquals(spoofed, to);
                assertTrue(out.limit() <= sent, "reply of " + out.limit() + " bytes to a " + sent + "-byte request");
                maxReply = Math.max(maxReply, out.limit());
            }
            now += 10_000;
        }
        assertEquals(0, server.peerStateEntries(), "no state for sources that never echoed a cookie");
        assertEquals(0, server.connectionCount());
        assertEquals(10_000, server.stats().challenges());
        assertEquals(Handshake.CHALLENGE_SIZE, maxReply);
    }

    @Test
    void aFloodIsRateLimited() {
        ServerEndpoint limited = new ServerEndpoint(CONFIG, ServerEndpointConfig.builder().challengesPerSecond(1000).build(),
                (f, p) -> Admission.reject("no"), new SplittableRandom(1));
        int answered = 0;
        for (int i = 0; i < 5000; i++) {
            limited.handleDatagram(CLIENT, request(i), i * 100_000L);   // 10,000 requests/s for 0.5 s
            while (limited.pollTransmit(out, i * 100_000L) != null) {
                answered++;
            }
        }
        // 0.5 s at 1000/s plus the burst of 100.
        assertTrue(answered >= 550 && answered <= 610, "answered " + answered);
        assertEquals(5000 - answered, limited.stats().rateLimited());
    }

    @Test
    void aValidEchoConnectsAndItsReplayDoesNot() {
        long nonce = 77;
        ByteBuffer response = response(nonce, challenge(CLIENT, nonce, 0));
        server.handleDatagram(CLIENT, response.duplicate(), 1_000_000);
        assertEquals(1, server.connectionCount());
        assertEquals(CLIENT, server.pollTransmit(out, 1_000_000));
        assertEquals(Handshake.KIND_ACCEPT, Handshake.kind(out));
        long token = out.getLong(Handshake.TOKEN_OFFSET);

        // A duplicate while the connection lives: the same ACCEPT again, no second connection.
        server.handleDatagram(CLIENT, response.duplicate(), 2_000_000);
        assertEquals(CLIENT, server.pollTransmit(out, 2_000_000));
        assertEquals(token, out.getLong(Handshake.TOKEN_OFFSET));
        assertEquals(1, accepted);

        // After the connection is gone, replaying the same RESPONSE within the cookie's life creates nothing.
        Connection c = server.connection(CLIENT);
        c.close("done");
        while (server.pollTransmit(out, 3_000_000) != null) {
            // goodbyes
        }
        assertEquals(0, server.connectionCount());
        server.handleDatagram(CLIENT, response.duplicate(), 4_000_000);
        assertNull(server.pollTransmit(out, 4_000_000));
        assertEquals(0, server.connectionCount());
        assertEquals(1, server.stats().replayedCookies());
        assertEquals(1, accepted);
    }

    @Test
    void expiredForgedAndMisaddressedCookiesAreRefused() {
        long nonce = 5;
        ByteBuffer challenge = challenge(CLIENT, nonce, 0);
        ByteBuffer laterChallenge = challenge(CLIENT, nonce + 100, 0);

        ByteBuffer forged = ByteBuffer.allocate(Handshake.CHALLENGE_SIZE).put(0, challenge, 0, challenge.limit());
        forged.put(Handshake.COOKIE_OFFSET + 10, (byte) (forged.get(Handshake.COOKIE_OFFSET + 10) ^ 1));
        server.handleDatagram(CLIENT, response(nonce, forged), 1000);
        server.handleDatagram(new InetSocketAddress("127.0.0.9", 7001), response(nonce, challenge), 1000);
        server.handleDatagram(new InetSocketAddress("127.0.0.2", 7002), response(nonce, challenge), 1000);
        server.handleDatagram(CLIENT, response(nonce + 1, challenge), 1000);
        assertNull(server.pollTransmit(out, 1000), "a bad cookie gets no answer at all");
        assertEquals(4, server.stats().badCookies());
        assertEquals(0, server.peerStateEntries());

        // Still valid within its window: the same cookie from the right address works.
        server.handleDatagram(CLIENT, response(nonce, challenge), Duration.ofSeconds(5).toNanos());
        assertEquals(1, server.connectionCount());
        assertNotNull(server.connection(CLIENT));

        // Two windows later a cookie has expired, even one never used.
        long expired = 2 * ServerEndpointConfig.defaults().cookieWindowNanos() + 1;
        server.handleDatagram(new InetSocketAddress("127.0.0.3", 7001), response(nonce + 100, laterChallenge), expired);
        server.handleDatagram(CLIENT, response(nonce + 100, laterChallenge), expired);
        assertEquals(6, server.stats().badCookies());
        assertEquals(1, server.stats().accepted());
    }

    @Test
    void shortOrTamperedRequestsAreDroppedWithoutAnswer() {
        ByteBuffer req = request(1);
        ByteBuffer truncated = ByteBuffer.allocate(600).put(0, req, 0, 600);
        server.handleDatagram(CLIENT, truncated, 0);
        ByteBuffer tampered = request(1);
        tampered.put(100, (byte) 1);
        server.handleDatagram(CLIENT, tampered, 0);
        server.handleDatagram(CLIENT, ByteBuffer.wrap(new byte[]{1, 2, 3}), 0);
        assertNull(server.pollTransmit(out, 0));
        assertEquals(2, server.stats().malformed());
        assertEquals(1, server.stats().foreign());
    }
}
