package io.udpnet.dtls;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * Stateless cookies for DTLS ClientHellos (RFC 6347 section 4.2.1), bound to the client's address: an HMAC-SHA256
 * over the address, the port and the ClientHello fields that a retransmitted hello repeats (version, random,
 * session id, cipher suites, compression methods), under a secret that rotates. A cookie is one byte naming the
 * secret's generation and the first 16 bytes of the MAC; the current and the previous secret are accepted, so a
 * cookie stays valid for one to two rotation periods.
 *
 * <p>Unlike the JDK's own DTLS cookie, which covers only the hello's bytes, this one proves the address: a cookie
 * obtained from one address is worthless when replayed from another. Thread-safe (one lock; the MAC is cheap
 * next to anything else a server does for a ClientHello).
 */
public final class HelloCookies {
    /** Bytes of a cookie: the generation and a truncated MAC. */
    public static final int COOKIE_BYTES = 17;
    private static final int MAC_BYTES = COOKIE_BYTES - 1;

    private final SecureRandom random;
    private final long rotationNanos;
    private final Mac mac;
    private final byte[] scratch = new byte[32];
    private final byte[] address = new byte[18];
    private SecretKeySpec current;
    private SecretKeySpec previous;
    private int generation;
    private long rotatedAt;

    /**
     * Makes a cookie source with a fresh secret.
     *
     * @param random        the source of secrets
     * @param rotationNanos how long a secret is current
     * @param now           the time now, nanoseconds on any fixed origin
     */
    public HelloCookies(SecureRandom random, long rotationNanos, long now) {
        this.random = random;
        this.rotationNanos = rotationNanos;
        try {
            this.mac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
        this.current = newKey();
        this.previous = current;
        this.rotatedAt = now;
    }

    /**
     * Writes the cookie for {@code hello} from {@code from} into {@code dst} at its position.
     *
     * @param from  the client's address
     * @param hello a successfully parsed hello
     * @param now   the time now
     * @param dst   receives {@link #COOKIE_BYTES} bytes; its position advances
     */
    public synchronized void mint(InetSocketAddress from, ClientHello hello, long now, ByteBuffer dst) {
        rotate(now);
        compute(current, from, hello);
        dst.put((byte) generation).put(scratch, 0, MAC_BYTES);
    }

    /**
     * Whether the cookie {@code hello} carries is one this source made for {@code from} and the same hello, under
     * the current or the previous secret.
     *
     * @param from  the client's address
     * @param hello a successfully parsed hello
     * @param now   the time now
     * @return true when valid
     */
    public synchronized boolean verify(InetSocketAddress from, ClientHello hello, long now) {
        rotate(now);
        if (hello.cookieLength() != COOKIE_BYTES) {
            return false;
        }
        ByteBuffer b = hello.buffer();
        int gen = b.get(hello.cookieOffset()) & 0xff;
        SecretKeySpec key;
        if (gen == (generation & 0xff)) {
            key = current;
        } else if (gen == ((generation - 1) & 0xff)) {
            key = previous;
        } else {
            return false;
        }
        compute(key, from, hello);
        // Constant time: every byte is compared whatever the first difference.
        int diff = 0;
        for (int i = 0; i < MAC_BYTES; i++) {
            diff |= b.get(hello.cookieOffset() + 1 + i) ^ scratch[i];
        }
        return diff == 0;
    }

    private void rotate(long now) {
        if (now - rotatedAt < rotationNanos) {
            return;
        }
        // After a long pause both secrets are stale: cookies from before it must not pass.
        previous = now - rotatedAt < 2 * rotationNanos ? current : newKey();
        current = newKey();
        generation++;
        rotatedAt = now;
    }

    private SecretKeySpec newKey() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return new SecretKeySpec(k, "HmacSHA256");
    }

    private void compute(SecretKeySpec key, InetSocketAddress from, ClientHello hello) {
        try {
            mac.init(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte[] ip = from.getAddress().getAddress();
        System.arraycopy(ip, 0, address, 0, ip.length);
        address[ip.length] = (byte) (from.getPort() >> 8);
        address[ip.length + 1] = (byte) from.getPort();
        mac.update(address, 0, ip.length + 2);
        ByteBuffer b = hello.buffer();
        // version, random, session id (with its length); then cipher suites and compression methods (with lengths)
        int sidEnd = hello.sessionIdOffset() + 1 + (b.get(hello.sessionIdOffset()) & 0xff);
        mac.update(b.duplicate().limit(sidEnd).position(hello.bodyOffset()));
        mac.update(b.duplicate().limit(hello.fieldsEnd()).position(hello.suitesOffset()));
        try {
            mac.doFinal(scratch, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a HelloVerifyRequest answering {@code hello} into {@code dst} (from its position): the record sequence
     * number and message_seq of the hello, as RFC 6347 asks of a stateless server, version DTLS 1.0 as it
     * recommends, and the cookie for {@code from}.
     *
     * @param from  the client's address
     * @param hello a successfully parsed hello
     * @param now   the time now
     * @param dst   at least {@link #helloVerifyRequestBytes()} bytes of room
     */
    public void writeHelloVerifyRequest(InetSocketAddress from, ClientHello hello, long now, ByteBuffer dst) {
        int body = 3 + COOKIE_BYTES;
        long seq = hello.recordSequence();
        dst.put((byte) ClientHello.CONTENT_HANDSHAKE).putShort((short) 0xfeff).putShort((short) 0)
                .putShort((short) (seq >>> 32)).putInt((int) seq)
                .putShort((short) (ClientHello.HANDSHAKE_HEADER + body));
        dst.put((byte) ClientHello.TYPE_HELLO_VERIFY_REQUEST).put((byte) 0).putShort((short) body)
                .putShort((short) hello.messageSeq())
                .put((byte) 0).putShort((short) 0)
                .put((byte) 0).putShort((short) body);
        dst.putShort((short) 0xfeff).put((byte) COOKIE_BYTES);
        mint(from, hello, now, dst);
    }

    /** @return the size of every HelloVerifyRequest this class writes */
    public static int helloVerifyRequestBytes() {
        return ClientHello.RECORD_HEADER + ClientHello.HANDSHAKE_HEADER + 3 + COOKIE_BYTES;
    }
}
