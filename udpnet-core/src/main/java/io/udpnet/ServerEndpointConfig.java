package io.udpnet;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

/**
 * Settings of a server endpoint's handshake and limits. Immutable; build with {@link #builder()}. Values are checked
 * when set, with an {@link IllegalArgumentException} naming the setting.
 */
public final class ServerEndpointConfig {
    private final int maxConnections;
    private final long cookieWindowNanos;
    private final int challengesPerSecond;
    private final long receiveMemoryBytes;
    private final byte[] resetKey;
    private final byte[] cookieSecret;
    private final int resetsPerSecond;

    /** The reset key of servers not given one: drawn once per process, so a server restarted in it keeps it. */
    private static final class ProcessKey {
        static final byte[] KEY = draw();

        private static byte[] draw() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return key;
        }
    }

    private ServerEndpointConfig(Builder b) {
        this.resetKey = b.resetKey != null ? b.resetKey : ProcessKey.KEY;
        this.cookieSecret = b.cookieSecret;
        this.resetsPerSecond = b.resetsPerSecond;
        this.maxConnections = b.maxConnections;
        this.cookieWindowNanos = b.cookieWindowNanos;
        this.challengesPerSecond = b.challengesPerSecond;
        this.receiveMemoryBytes = b.receiveMemoryBytes;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default server limits. */
    public static ServerEndpointConfig defaults() {
        return builder().build();
    }

    /** Most connections at once; further clients are rejected with SERVER_FULL. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Cookie key lifetime: a cookie is accepted for one to two windows after it was issued. */
    public long cookieWindowNanos() {
        return cookieWindowNanos;
    }

    /**
     * Most challenges (and rejections) sent per second by the whole server, however many endpoints (shards) it runs,
     * with a burst of a tenth of that: bounds the work a flood of connect requests from spoofed addresses can cause.
     * The server keeps no state per request.
     */
    public int challengesPerSecond() {
        return challengesPerSecond;
    }

    /**
     * Most bytes of out-of-order and partial messages that all the server's connections hold together (over all its
     * endpoints, whatever thread drives each; an endpoint may set aside up to two chunks of at most 64 KiB that it
     * does not use), on top of each connection's own {@link ConnectionConfig#receiveBufferBytes()}. When it is reached, packets that would be
     * held are refused (reliable: their datagram is not acknowledged and comes again; unreliable: dropped) until
     * connections deliver what they hold. As for a single connection, the next message a reliable channel is waiting
     * for is always taken, so a channel never stalls; what can be held is therefore this plus, per connection, one
     * message in progress per reliable channel.
     */
    public long receiveMemoryBytes() {
        return receiveMemoryBytes;
    }

    /**
     * The key of stateless resets (32 bytes; a copy): a data datagram whose token the server does not know is answered
     * with a reset whose proof is derived from this key and the token, and the client that the server gave that proof
     * in its ACCEPT closes at once (docs/PROTOCOL.md, section 8.5). For resets to reach clients of a previous run of
     * the server, the key must outlive the process: configure it. Without one, a random key drawn once per process is
     * used, which covers servers restarted within the process only.
     */
    public byte[] resetKey() {
        return resetKey.clone();
    }

    /**
     * Most stateless resets sent per second by the whole server, with a burst of a tenth of that (at least 10); 0
     * sends none. A reset is smaller than the datagram it answers, so this bounds work, not amplification.
     */
    public int resetsPerSecond() {
        return resetsPerSecond;
    }

    /**
     * The secret the cookie keys are derived from (32 bytes; a copy), or null (the default) when each window's key is
     * drawn at random. Servers behind one load balancer that share it accept each other's cookies, so a client whose
     * RESPONSE reaches another server than its REQUEST still gets in (docs/SCALING.md).
     */
    public byte[] cookieSecret() {
        return cookieSecret == null ? null : cookieSecret.clone();
    }

    /**
     * A builder holding this configuration's values, to derive another from it; {@code MessageServer} uses it to
     * give each of its endpoints a share of the limits.
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxConnections = maxConnections;
        b.cookieWindowNanos = cookieWindowNanos;
        b.challengesPerSecond = challengesPerSecond;
        b.receiveMemoryBytes = receiveMemoryBytes;
        b.resetKey = resetKey;
        b.cookieSecret = cookieSecret;
        b.resetsPerSecond = resetsPerSecond;
        return b;
    }

    /** Builds a {@link ServerEndpointConfig}. */
    public static final class Builder {
        private int maxConnections = 10_000;
        private long cookieWindowNanos = Duration.ofSeconds(10).toNanos();
        private int challengesPerSecond = 20_000;
        private long receiveMemoryBytes = 256L << 20;
        private byte[] resetKey;
        private byte[] cookieSecret;
        private int resetsPerSecond = 10_000;

        private Builder() {
        }

        /** 1 .. 1,000,000. Default 10,000. */
        public Builder maxConnections(int n) {
            if (n < 1 || n > 1_000_000) {
                throw new IllegalArgumentException("maxConnections: 1..1000000 expected, got " + n);
            }
            this.maxConnections = n;
            return this;
        }

        /** 1 s .. 10 min. Default 10 s. */
        public Builder cookieWindow(Duration window) {
            if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("cookieWindow: 1 s .. 10 min expected, got " + window);
            }
            this.cookieWindowNanos = window.toNanos();
            return this;
        }

        /** 10 .. 10,000,000. Default 20,000. */
        public Builder challengesPerSecond(int n) {
            if (n < 10 || n > 10_000_000) {
                throw new IllegalArgumentException("challengesPerSecond: 10..10000000 expected, got " + n);
            }
            this.challengesPerSecond = n;
            return this;
        }

        /** 64 KiB .. 1 TiB. Default 256 MiB. */
        public Builder receiveMemoryBytes(long bytes) {
            if (bytes < 64 << 10 || bytes > 1L << 40) {
                throw new IllegalArgumentException("receiveMemoryBytes: 65536..2^40 expected, got " + bytes);
            }
            this.receiveMemoryBytes = bytes;
            return this;
        }

        /** 32 bytes, kept secret and the same across restarts (see {@link ServerEndpointConfig#resetKey()}). */
        public Builder resetKey(byte[] key) {
            if (key == null || key.length != 32) {
                throw new IllegalArgumentException("resetKey: 32 bytes expected, got "
                        + (key == null ? "null" : key.length + " bytes"));
            }
            this.resetKey = Arrays.copyOf(key, key.length);
            return this;
        }

        /** 32 bytes, the same at every server of a group (see {@link ServerEndpointConfig#cookieSecret()}). */
        public Builder cookieSecret(byte[] secret) {
            if (secret == null || secret.length != 32) {
                throw new IllegalArgumentException("cookieSecret: 32 bytes expected, got "
                        + (secret == null ? "null" : secret.length + " bytes"));
            }
            this.cookieSecret = Arrays.copyOf(secret, secret.length);
            return this;
        }

        /** 0 .. 10,000,000; 0 sends no stateless resets. Default 10,000. */
        public Builder resetsPerSecond(int n) {
            if (n < 0 || n > 10_000_000) {
                throw new IllegalArgumentException("resetsPerSecond: 0..10000000 expected, got " + n);
            }
            this.resetsPerSecond = n;
            return this;
        }

        /** The configuration the builder holds. */
        public ServerEndpointConfig build() {
            return new ServerEndpointConfig(this);
        }
    }
}
