package io.udpnet.coap;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless proof that a peer receives at its source address: Echo option values (RFC 9175 section 2.4) made from a
 * keyed MAC of the address and a time stamp, so the server keeps nothing per unverified peer. A value is accepted
 * back from the same address for {@link #LIFETIME_SECONDS}.
 */
final class AddressCheck {
    /** Option number of Echo (RFC 9175). */
    static final int ECHO = 252;
    static final long LIFETIME_SECONDS = 60;
    private static final int MAC_BYTES = 8;

    private final SecretKeySpec key;

    AddressCheck() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** A fresh Echo value for {@code peer}: 4 bytes of seconds, then 8 bytes of MAC. */
    byte[] issue(InetSocketAddress peer, long nowSeconds) {
        ByteBuffer b = ByteBuffer.allocate(4 + MAC_BYTES);
        b.putInt((int) nowSeconds);
        b.put(mac(peer, (int) nowSeconds));
        return b.array();
    }

    /** Whether {@code echo} was issued to {@code peer} within the lifetime. */
    boolean verify(InetSocketAddress peer, byte[] echo, long nowSeconds) {
        if (echo.length != 4 + MAC_BYTES) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(echo);
        int stamp = b.getInt();
        long age = (int) nowSeconds - stamp; // 32-bit wrap-safe difference
        if (age < 0 || age > LIFETIME_SECONDS) {
            return false;
        }
        byte[] mac = new byte[MAC_BYTES];
        b.get(mac);
        return MessageDigest.isEqual(mac, mac(peer, stamp));
    }

    private byte[] mac(InetSocketAddress peer, int stamp) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(peer.getAddress().getAddress());
            m.update(new byte[] {(byte) (peer.getPort() >>> 8), (byte) peer.getPort(), (byte) (stamp >>> 24),
                    (byte) (stamp >>> 16), (byte) (stamp >>> 8), (byte) stamp});
            byte[] full = m.doFinal();
            byte[] out = new byte[MAC_BYTES];
            System.arraycopy(full, 0, out, 0, MAC_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
