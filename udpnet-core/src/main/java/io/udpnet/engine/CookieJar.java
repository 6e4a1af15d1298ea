package io.udpnet.engine;

import io.udpnet.wire.Handshake;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.random.RandomGenerator;

/**
 * Stateless handshake cookies. A cookie is {@code u32 window || first 20 bytes of HMAC-SHA256(key[window], window ||
 * version || nonce || client address || client port)}: only a client that can receive at its address can echo it,
 * and the server keeps no state until it does. The time is cut into windows; each window has its own random key,
 * kept for one more window, so a cookie is valid for between one and two windows and a replay after that fails.
 * With a cookie secret shared by several servers, a window's key is derived from the secret and the window number
 * instead of drawn at random, so a cookie one server issued is good at the others (docs/SCALING.md).
 */
final class CookieJar {
    private static final int MAC_BYTES = Handshake.COOKIE_SIZE - 4;

    private final RandomGenerator random;
    private final byte[] secret;
    private final long windowNanos;
    private long currentWindow = Long.MIN_VALUE;
    private Mac current;
    private Mac previous;
    private final byte[] input = new byte[4 + 1 + 8 + 16 + 2];
    private final byte[] digest = new byte[32];

    /** @param secret 32 bytes to derive the window keys from, or null for random keys */
    CookieJar(RandomGenerator random, long windowNanos, byte[] secret) {
        this.random = random;
        this.windowNanos = windowNanos;
        this.secret = secret;
    }

    /** Writes a fresh cookie for this client into {@code out[0, 24)}. */
    void issue(InetSocketAddress client, int version, long nonce, long now, byte[] out) {
        rotate(now);
        int window = (int) currentWindow;
        mac(current, window, client, version, nonce);
        ByteBuffer.wrap(out).putInt(0, window);
        System.arraycopy(digest, 0, out, 4, MAC_BYTES);
    }

    /** Whether the 24 bytes at {@code at} in {@code b} are a cookie this server issued to this client recently. */
    boolean verify(InetSocketAddress client, int version, long nonce, ByteBuffer b, int at, long now) {
        rotate(now);
        int window = b.getInt(at);
        Mac mac = window == (int) currentWindow ? current : window == (int) (currentWindow - 1) ? previous : null;
        if (mac == null) {
            return false;
        }
        mac(mac, window, client, version, nonce);
        byte[] presented = new byte[MAC_BYTES];
        b.get(at + 4, presented);
        return MessageDigest.isEqual(presented, java.util.Arrays.copyOf(digest, MAC_BYTES));
    }

    private void rotate(long now) {
        long window = Math.floorDiv(now, windowNanos);
        if (window == currentWindow) {
            return;
        }
        previous = window == currentWindow + 1 ? current : secret != null ? newMac(window - 1) : null;
        current = newMac(window);
        currentWindow = window;
    }

    private Mac newMac(long window) {
        byte[] key = new byte[32];
        try {
            if (secret == null) {
                random.nextBytes(key);
            } else {
                // key[window] = HMAC-SHA256(secret, "udpnet cookie" || window): the same at every server sharing it.
                Mac derive = Mac.getInstance("HmacSHA256");
                derive.init(new SecretKeySpec(secret, "HmacSHA256"));
                derive.update("udpnet cookie".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                key = derive.doFinal(ByteBuffer.allocate(8).putLong(0, window).array());
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
        }
    }

    private void mac(Mac mac, int window, InetSocketAddress client, int version, long nonce) {
        ByteBuffer in = ByteBuffer.wrap(input);
        in.putInt(0, window);
        in.put(4, (byte) version);
        in.putLong(5, nonce);
        byte[] address = client.getAddress().getAddress();
        java.util.Arrays.fill(input, 13, 29, (byte) 0);
        System.arraycopy(address, 0, input, 13 + 16 - address.length, address.length);
        in.putShort(29, (short) client.getPort());
        mac.update(input);
        try {
            mac.doFinal(digest, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
