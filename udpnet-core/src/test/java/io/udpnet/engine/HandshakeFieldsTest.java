package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.wire.Crc;
import io.udpnet.wire.Handshake;
import io.udpnet.wire.WireFormat;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The handshake fields docs/PROTOCOL.md section 8.1 pins down: which version field counts, that zero fields and
 * padding are not checked, what a CONFIG_MISMATCH rejection says, and how a client treats a second CHALLENGE or an
 * ACCEPT of another version.
 */
class HandshakeFieldsTest {
    private static final ConnectionConfig CONFIG = ConnectionConfig.defaults();
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 7001);
    private static final long NONCE = 42;
    private final Crc crc = new Crc();
    private final ByteBuffer out = ByteBuffer.allocate(1500);
    private final ServerEndpoint server = new ServerEndpoint(CONFIG,
            ServerEndpointConfig.builder().challengesPerSecond(1_000_000).build(),
            (from, payload) -> Admission.accept(new Recorder(() -> 0)), new SplittableRandom(5));

    private ByteBuffer request(ConnectionConfig config) {
        ByteBuffer b = ByteBuffer.allocate(Handshake.PADDED_SIZE);
        Handshake.writeRequest(b, WireFormat.VERSION, WireFormat.VERSION, NONCE, config.sharedSettings(), crc);
        return b;
    }

    /** The server's answer to {@code datagram}, after sealing it again (callers edit fields). */
    private ByteBuffer answer(ByteBuffer datagram) {
        crc.seal(datagram, datagram.limit());
        server.handleDatagram(CLIENT, datagram, 0);
        assertEquals(CLIENT, server.pollTransmit(out, 0));
        return out;
    }

    private static String rejectText(ByteBuffer reject) {
        assertEquals(Handshake.KIND_REJECT, Handshake.kind(reject));
        byte[] text = new byte[reject.get(Handshake.TEXT_LENGTH_OFFSET) & 0xFF];
        reject.get(Handshake.TEXT_OFFSET, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    @Test
    void theRequestsVersionRangeCountsNotByte2() {
        ByteBuffer r = request(CONFIG);
        r.put(2, (byte) 9);
        assertEquals(Handshake.KIND_CHALLENGE, Handshake.kind(answer(r)));

        r = request(CONFIG);
        r.put(Handshake.MIN_VERSION_OFFSET, (byte) 2).put(Handshake.MAX_VERSION_OFFSET, (byte) 3);
        ByteBuffer reject = answer(r);
        assertEquals(Handshake.KIND_REJECT, Handshake.kind(reject));
        assertEquals(DisconnectCode.VERSION_MISMATCH.wire(), reject.get(Handshake.REASON_OFFSET));
        assertEquals(1, reject.get(Handshake.REJECT_MIN_VERSION_OFFSET));
        assertEquals(1, reject.get(Handshake.REJECT_MAX_VERSION_OFFSET));
        assertEquals(1, reject.get(2), "byte 2 of a REJECT: the server's highest version");
    }

    @Test
    void zeroFieldsAndPaddingAreNotChecked() {
        ByteBuffer r = request(CONFIG);
        r.putShort(6, (short) 0xFFFF);
        for (int i = 60; i < 1196; i++) {
            r.put(i, (byte) 0x5A);
        }
        assertEquals(Handshake.KIND_CHALLENGE, Handshake.kind(answer(r)));
    }

    @Test
    void aConfigMismatchNamesTheSettingsThatDiffer() {
        ConnectionConfig.Builder b = CONFIG.toBuilder();
        assertEquals("config differs: send window: client 512, server 1024",
                rejectText(answer(request(b.sendWindow(512).build()))));
        assertEquals("config differs: send window: client 512, server 1024; channels: client 1, server 4",
                rejectText(answer(request(b.channels(Delivery.RELIABLE_ORDERED).build()))));
        b = CONFIG.toBuilder();
        assertEquals("config differs: max message size: client 65536, server 1048576",
                rejectText(answer(request(b.maxMessageSize(65536).build()))));
        b = CONFIG.toBuilder();
        assertEquals("config differs: unreliable fragments: client 16, server 32",
                rejectText(answer(request(b.maxUnreliableFragments(16).build()))));
        b = CONFIG.toBuilder().channels(Delivery.RELIABLE_ORDERED, Delivery.RELIABLE_UNORDERED, Delivery.UNRELIABLE,
                Delivery.UNRELIABLE);
        assertEquals("config differs: channel 2: client UNRELIABLE, server UNRELIABLE_SEQUENCED",
                rejectText(answer(request(b.build()))));
    }

    @Test
    void settingsThatDoNotHashToTheirDigestGetTheTwoDigests() {
        ByteBuffer r = request(CONFIG.toBuilder().sendWindow(512).build());
        r.putInt(Handshake.DIGEST_OFFSET, 0x01020304);
        assertEquals(String.format("config digest 01020304 differs from the server's %08x", CONFIG.digest()),
                rejectText(answer(r)));
    }

    private ByteBuffer challenge(int version, int cookieByte) {
        byte[] cookie = new byte[Handshake.COOKIE_SIZE];
        java.util.Arrays.fill(cookie, (byte) cookieByte);
        ByteBuffer b = ByteBuffer.allocate(Handshake.CHALLENGE_SIZE);
        Handshake.writeChallenge(b, version, NONCE, cookie, crc);
        return b;
    }

    @Test
    void aLaterChallengeReplacesTheCookieWithoutHurryingTheResponse() {
        ClientHandshake h = new ClientHandshake(CONFIG, NONCE, ByteBuffer.allocate(0), 0);
        assertEquals(Handshake.PADDED_SIZE, h.poll(out, 0));
        assertEquals(Handshake.KIND_REQUEST, Handshake.kind(out));
        assertEquals(ClientHandshake.CONTINUE, h.onControl(challenge(1, 0xA1), Handshake.CHALLENGE_SIZE, 10));
        h.poll(out, 10);
        assertEquals(Handshake.KIND_RESPONSE, Handshake.kind(out));
        assertEquals((byte) 0xA1, out.get(Handshake.COOKIE_OFFSET + 4));

        assertEquals(ClientHandshake.CONTINUE, h.onControl(challenge(1, 0xB2), Handshake.CHALLENGE_SIZE, 20));
        assertEquals(0, h.poll(out, 20), "a second CHALLENGE does not send a RESPONSE sooner");
        long resend = 10 + 2 * CONFIG.initialRttNanos();
        assertEquals(resend, h.nextDeadline());
        h.poll(out, resend);
        assertEquals(Handshake.KIND_RESPONSE, Handshake.kind(out));
        assertEquals((byte) 0xB2, out.get(Handshake.COOKIE_OFFSET + 4), "the newest cookie is echoed");
    }

    @Test
    void challengesAndAcceptsOfAnotherVersionAreIgnored() {
        ClientHandshake h = new ClientHandshake(CONFIG, NONCE, ByteBuffer.allocate(0), 0);
        h.poll(out, 0);
        assertEquals(ClientHandshake.IGNORED, h.onControl(challenge(2, 0xA1), Handshake.CHALLENGE_SIZE, 1));
        assertEquals(ClientHandshake.CONTINUE, h.onControl(challenge(1, 0xA1), Handshake.CHALLENGE_SIZE, 2));
        ByteBuffer accept = ByteBuffer.allocate(Handshake.ACCEPT_SIZE);
        Handshake.writeAccept(accept, 2, NONCE, 77, new byte[16], crc);
        assertEquals(ClientHandshake.IGNORED, h.onControl(accept, Handshake.ACCEPT_SIZE, 3));
        Handshake.writeAccept(accept, 1, NONCE, 77, new byte[16], crc);
        assertEquals(ClientHandshake.ACCEPTED, h.onControl(accept, Handshake.ACCEPT_SIZE, 4));
        assertEquals(77, h.token());
    }
}
