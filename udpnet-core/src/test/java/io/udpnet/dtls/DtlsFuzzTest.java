package io.udpnet.dtls;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arbitrary datagrams against what an attacker reaches without keys: the stateless hello path (parser, cookie check,
 * HelloVerifyRequest, which is never larger than the hello) and an established association, which must drop what
 * it cannot authenticate and stay up. Record headers are made plausible (a known content type, the association's
 * epoch or 0, a consistent length) so that inputs get past the header checks into the engine.
 *
 * <p>Without {@code JAZZER_FUZZ=1} this runs the stored inputs once, as a regression test.
 */
class DtlsFuzzTest {
    private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 40000);
    private static final HelloCookies COOKIES = new HelloCookies(new SecureRandom(), 60_000_000_000L, 0);
    private static final ClientHello HELLO = new ClientHello();
    private static final ByteBuffer REPLY = ByteBuffer.allocate(HelloCookies.helloVerifyRequestBytes());
    private static DtlsPair pair;

    @FuzzTest(maxDuration = "30s")
    void noDatagramBreaksTheHelloPathOrAnEstablishedAssociation(FuzzedDataProvider data) throws Exception {
        if (pair == null) {
            pair = new DtlsPair().handshake();
            assertTrue(pair.established());
        }
        boolean shape = data.consumeBoolean();
        int type = 20 + data.consumeInt(0, 3);
        int epoch = data.consumeInt(0, 1);
        byte[] bytes = data.consumeRemainingAsBytes();
        if (shape && bytes.length >= 13) {
            bytes[0] = (byte) type;
            bytes[1] = (byte) 0xfe;
            bytes[2] = (byte) 0xfd;
            bytes[3] = 0;
            bytes[4] = (byte) epoch;
            int len = bytes.length - 13;
            bytes[11] = (byte) (len >> 8);
            bytes[12] = (byte) len;
        }
        ByteBuffer d = ByteBuffer.wrap(bytes);
        if (HELLO.parse(d) && bytes.length >= HelloCookies.helloVerifyRequestBytes()) {
            COOKIES.verify(FROM, HELLO, 0);
            REPLY.clear();
            COOKIES.writeHelloVerifyRequest(FROM, HELLO, 0, REPLY);
            assertTrue(REPLY.position() <= bytes.length);
        }
        pair.serverPeer.receive(d, 0, pair.toClient);
        assertEquals(DtlsPeer.State.ESTABLISHED, pair.serverPeer.state(), "an unauthenticated datagram ended it: "
                + pair.serverPeer.closeCause() + " " + pair.serverPeer.failure());
        assertTrue(pair.toClient.plain.isEmpty(), "plaintext from a forged record");
        pair.toClient.wire.clear();
    }
}
