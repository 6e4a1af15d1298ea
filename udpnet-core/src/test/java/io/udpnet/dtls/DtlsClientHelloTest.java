package io.udpnet.dtls;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ClientHello flyweight and the address-bound cookie, on real hellos and on arbitrary bytes. */
class DtlsClientHelloTest {
    private static final byte[] HELLO;

    static {
        try {
            HELLO = DtlsHostilePeerTest.clientHello();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Property(tries = 2000)
    void randomBytesNeverThrow(@ForAll @Size(max = 400) byte[] bytes) {
        ClientHello h = new ClientHello();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        h.parse(b);
        assertEquals(0, b.position());
        assertEquals(bytes.length, b.limit());
    }

    @Property(tries = 2000)
    void aMutatedHelloNeverThrowsAndAnAcceptedOneStaysInsideTheDatagram(@ForAll("mutations") byte[] bytes) {
        ClientHello h = new ClientHello();
        if (h.parse(ByteBuffer.wrap(bytes))) {
            assertTrue(h.fieldsEnd() <= bytes.length);
            assertTrue(h.cookieOffset() + h.cookieLength() <= bytes.length);
            // A cookie check on whatever parsed must not throw either.
            HelloCookies cookies = new HelloCookies(new SecureRandom(), 1_000_000_000L, 0);
            assertFalse(h.cookieLength() != HelloCookies.COOKIE_BYTES
                    && cookies.verify(new InetSocketAddress("127.0.0.1", 1), h, 0));
        }
    }

    @Provide
    Arbitrary<byte[]> mutations() {
        return Arbitraries.integers().between(0, HELLO.length - 1).list().ofMaxSize(6).flatMap(positions ->
                Arbitraries.bytes().list().ofSize(positions.size()).flatMap(values ->
                        Arbitraries.integers().between(0, HELLO.length).map(cut -> {
                            byte[] d = Arrays.copyOf(HELLO, cut);
                            for (int i = 0; i < positions.size(); i++) {
                                if (positions.get(i) < d.length) {
                                    d[positions.get(i)] = values.get(i);
                                }
                            }
                            return d;
                        })));
    }

    @net.jqwik.api.Example
    void aRealHelloParsesAndTheCookieIsBoundToTheAddressAndTheHello() {
        ClientHello h = new ClientHello();
        assertTrue(h.parse(ByteBuffer.wrap(HELLO)));
        assertEquals(0, h.cookieLength());
        assertEquals(0, h.messageSeq());
        HelloCookies cookies = new HelloCookies(new SecureRandom(), 60_000_000_000L, 0);
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 4000);
        ByteBuffer hvr = ByteBuffer.allocate(HelloCookies.helloVerifyRequestBytes());
        cookies.writeHelloVerifyRequest(a, h, 0, hvr);
        assertEquals(HelloCookies.helloVerifyRequestBytes(), hvr.position());
        assertTrue(hvr.position() <= HELLO.length);
        byte[] cookie = Arrays.copyOfRange(hvr.array(), hvr.position() - HelloCookies.COOKIE_BYTES, hvr.position());
        byte[] second = DtlsHostilePeerTest.withCookie(HELLO, cookie);
        ClientHello h2 = new ClientHello();
        assertTrue(h2.parse(ByteBuffer.wrap(second)));
        assertEquals(1, h2.messageSeq());
        assertTrue(cookies.verify(a, h2, 1));
        assertFalse(cookies.verify(new InetSocketAddress("127.0.0.1", 4001), h2, 1), "another port");
        assertFalse(cookies.verify(new InetSocketAddress("127.0.0.2", 4000), h2, 1), "another host");
        second[30] ^= 1; // inside the client random
        assertTrue(h2.parse(ByteBuffer.wrap(second)));
        assertFalse(cookies.verify(a, h2, 1), "another hello");
        second[30] ^= 1;
        assertTrue(h2.parse(ByteBuffer.wrap(second)));
        // Valid through the next rotation, not beyond the one after.
        assertTrue(cookies.verify(a, h2, 61_000_000_000L));
        assertFalse(cookies.verify(a, h2, 122_000_000_000L));
    }

    @net.jqwik.api.Example
    void theRebuiltFirstHelloIsTheHelloWithoutItsCookie() {
        byte[] second = DtlsHostilePeerTest.withCookie(HELLO, new byte[HelloCookies.COOKIE_BYTES]);
        ClientHello h = new ClientHello();
        assertTrue(h.parse(ByteBuffer.wrap(second)));
        ByteBuffer first = ByteBuffer.allocate(h.recordLengthWithoutCookie());
        h.writeWithoutCookie(first);
        byte[] rebuilt = first.array();
        // Same as the original first hello except the record sequence number (one lower, floored at 0).
        assertEquals(HELLO.length, rebuilt.length);
        assertTrue(Arrays.equals(HELLO, 13, HELLO.length, rebuilt, 13, rebuilt.length));
        assertTrue(Arrays.equals(HELLO, 0, 3, rebuilt, 0, 3));
    }
}
