package io.udpnet.dtls;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stateless front both DTLS servers share, driven without sockets. */
class DtlsHelloGateTest {
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 4000);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 4001);

    @Test
    void aCookielessHelloGetsAVerifyRequestWhoseCookieThenProvesTheAddressOnly() throws Exception {
        DtlsServerContext dtls = new DtlsServerContext(DtlsServerConfig.builder().maxHandshakes(1).build(), 0);
        HelloGate gate = new HelloGate(dtls);
        byte[] hello = DtlsHostilePeerTest.clientHello();

        assertEquals(HelloGate.Verdict.VERIFY, gate.fromStranger(A, ByteBuffer.wrap(hello), 0));
        ByteBuffer reply = gate.reply();
        assertEquals(HelloCookies.helloVerifyRequestBytes(), reply.remaining());
        assertTrue(reply.remaining() <= hello.length, "never amplified");
        byte[] cookie = Arrays.copyOfRange(reply.array(), reply.limit() - HelloCookies.COOKIE_BYTES, reply.limit());
        byte[] proven = DtlsHostilePeerTest.withCookie(hello, cookie);

        // The cookie was made for A: from B it is answered as a first hello again.
        assertEquals(HelloGate.Verdict.VERIFY, gate.fromStranger(B, ByteBuffer.wrap(proven), 1));
        assertEquals(HelloGate.Verdict.PROVEN, gate.fromStranger(A, ByteBuffer.wrap(proven), 1));
        assertNotNull(gate.admit(A, 1));
        // The bound on handshakes (1) is reached: the next proven hello gets no engine.
        assertEquals(HelloGate.Verdict.PROVEN, gate.fromStranger(A, ByteBuffer.wrap(proven), 2));
        assertNull(gate.admit(A, 2));

        DtlsStats s = dtls.stats();
        assertEquals(2, s.helloVerifyRequestsSent());
        assertEquals(1, s.handshakesStarted());
        assertEquals(1, s.handshakesRefused());
        assertEquals(0, s.hellosRejected());
    }

    @Test
    void fromASessionOnlyAFreshHelloIsJudgedAndTheRestPassesThrough() throws Exception {
        DtlsServerContext dtls = new DtlsServerContext(DtlsServerConfig.builder().build(), 0);
        HelloGate gate = new HelloGate(dtls);
        byte[] hello = DtlsHostilePeerTest.clientHello();
        byte[] record = new byte[64];
        record[0] = 23; // application data: not a hello

        assertEquals(HelloGate.Verdict.PASS, gate.fromSession(A, ByteBuffer.wrap(record), 0));
        assertEquals(HelloGate.Verdict.REJECTED, gate.fromStranger(A, ByteBuffer.wrap(record), 0));
        // A foreign cookie from a session's address is taken for the engine's own: the session gets it.
        byte[] foreign = DtlsHostilePeerTest.withCookie(hello, new byte[HelloCookies.COOKIE_BYTES]);
        assertEquals(HelloGate.Verdict.PASS, gate.fromSession(A, ByteBuffer.wrap(foreign), 0));
        assertEquals(HelloGate.Verdict.VERIFY, gate.fromSession(A, ByteBuffer.wrap(hello), 0));
        assertEquals(1, dtls.stats().hellosRejected());
        assertEquals(1, dtls.stats().helloVerifyRequestsSent());
    }

    @Test
    void verifyRequestsBeyondTheRateAreDroppedAndCounted() throws Exception {
        DtlsServerContext dtls = new DtlsServerContext(
                DtlsServerConfig.builder().helloVerifyRequestsPerSecond(1).build(), 0);
        HelloGate gate = new HelloGate(dtls);
        byte[] hello = DtlsHostilePeerTest.clientHello();
        int verified = 0;
        int limited = 0;
        for (int i = 0; i < 5; i++) {
            HelloGate.Verdict v = gate.fromStranger(A, ByteBuffer.wrap(hello), 0);
            if (v == HelloGate.Verdict.VERIFY) {
                verified++;
            } else {
                assertEquals(HelloGate.Verdict.RATE_LIMITED, v);
                limited++;
            }
        }
        assertTrue(verified <= 1, "one token at most");
        assertEquals(5 - verified, limited);
        assertEquals(limited, dtls.stats().helloVerifyRateLimited());
    }
}
