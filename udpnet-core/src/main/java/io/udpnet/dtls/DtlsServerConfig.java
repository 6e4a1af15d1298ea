package io.udpnet.dtls;

import java.time.Duration;
import java.util.Objects;

/**
 * The validated, immutable DTLS settings of a server. Build with {@link #builder()}; every value has a default, and
 * a bad value fails at its setter with an {@link IllegalArgumentException} naming it. Only DTLS 1.2 is offered:
 * it is the JDK's newest DTLS, and the JDK has no pre-shared keys, so every handshake uses certificates.
 */
public final class DtlsServerConfig {
    private final DtlsCredentials credentials;
    private final ClientAuth clientAuth;
    private final DtlsTrust clientTrust;
    private final DtlsCommon common;
    private final int maxHandshakes;
    private final int helloVerifyRequestsPerSecond;
    private final Duration cookieRotation;

    private DtlsServerConfig(Builder b) {
        this.credentials = b.credentials;
        this.clientAuth = b.clientAuth;
        this.clientTrust = b.clientTrust;
        this.common = b.common.copy();
        this.maxHandshakes = b.maxHandshakes;
        this.helloVerifyRequestsPerSecond = b.helloVerifyRequestsPerSecond;
        this.cookieRotation = b.cookieRotation;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the server's key and certificates, or null: a self-signed certificate is made at start-up */
    public DtlsCredentials credentials() {
        return credentials;
    }

    /** @return whether clients are asked for certificates */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** @return which client certificates are trusted */
    public DtlsTrust clientTrust() {
        return clientTrust;
    }

    /** @return the largest datagram the server sends, records and headers included */
    public int maxDatagramSize() {
        return common.maxDatagramSize;
    }

    /** @return the most handshakes in progress at once; further proven clients are refused and counted */
    public int maxHandshakes() {
        return maxHandshakes;
    }

    /** @return the most HelloVerifyRequests sent per second; further cookieless hellos are dropped and counted */
    public int helloVerifyRequestsPerSecond() {
        return helloVerifyRequestsPerSecond;
    }

    /** @return how long a handshake may take from the client's proven hello to its end */
    public Duration handshakeTimeout() {
        return common.handshakeTimeout;
    }

    /** @return the first flight retransmission time-out */
    public Duration initialRetransmitTimeout() {
        return common.initialRetransmitTimeout;
    }

    /** @return the largest flight retransmission time-out (it doubles up to this) */
    public Duration maxRetransmitTimeout() {
        return common.maxRetransmitTimeout;
    }

    /** @return how long a cookie secret is current (a cookie is valid for one to two periods) */
    public Duration cookieRotation() {
        return cookieRotation;
    }

    /** @return the cipher suites enabled, or null for the JDK's defaults */
    public String[] cipherSuites() {
        return common.cipherSuitesCopy();
    }

    /** Builds a {@link DtlsServerConfig}. Not thread-safe. */
    public static final class Builder {
        private DtlsCredentials credentials;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private DtlsTrust clientTrust = DtlsTrust.systemDefault();
        private final DtlsCommon common = new DtlsCommon();
        private int maxHandshakes = 1024;
        private int helloVerifyRequestsPerSecond = 50_000;
        private Duration cookieRotation = Duration.ofSeconds(60);

        private Builder() {
        }

        /**
         * Sets the server's identity. Default null: a self-signed EC P-256 certificate is generated when the server
         * opens, and its SHA-256 fingerprint logged.
         *
         * @param credentials the key and chain, or null
         * @return this builder
         */
        public Builder credentials(DtlsCredentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /**
         * Asks clients for certificates, trusted by {@code trust}. Default {@link ClientAuth#NONE}.
         *
         * @param auth  whether to ask
         * @param trust which client certificates are accepted
         * @return this builder
         */
        public Builder clientAuth(ClientAuth auth, DtlsTrust trust) {
            this.clientAuth = Objects.requireNonNull(auth, "clientAuth");
            this.clientTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * Sets the largest datagram sent (the JDK's maximum packet size): handshake flights are fragmented to fit,
         * and application data that does not fit one record is refused. Default 1,200 bytes, which fits any path
         * with the IPv6 minimum MTU.
         *
         * @param bytes 256 to 16,384
         * @return this builder
         */
        public Builder maxDatagramSize(int bytes) {
            common.maxDatagramSize(bytes);
            return this;
        }

        /**
         * Sets the most handshakes in progress. Default 1,024.
         *
         * @param max 1 to 1,000,000
         * @return this builder
         */
        public Builder maxHandshakes(int max) {
            this.maxHandshakes = DtlsCommon.range("maxHandshakes", max, 1, 1_000_000);
            return this;
        }

        /**
         * Sets the rate limit of HelloVerifyRequests (a token bucket holding one second's worth). Default 50,000.
         *
         * @param perSecond 1 to 10,000,000
         * @return this builder
         */
        public Builder helloVerifyRequestsPerSecond(int perSecond) {
            this.helloVerifyRequestsPerSecond = DtlsCommon.range("helloVerifyRequestsPerSecond", perSecond, 1, 10_000_000);
            return this;
        }

        /**
         * Sets how long a handshake may take. Default 20 s.
         *
         * @param timeout 100 ms to 10 min
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            common.handshakeTimeout(timeout);
            return this;
        }

        /**
         * Sets the flight retransmission time-outs: the first, doubled on every retransmission up to the largest.
         * Default 1 s and 8 s.
         *
         * @param initial 100 ms to 10 min
         * @param max     at least {@code initial}, at most 10 min
         * @return this builder
         */
        public Builder retransmitTimeouts(Duration initial, Duration max) {
            common.retransmitTimeouts(initial, max);
            return this;
        }

        /**
         * Sets how often the cookie secret changes. Default 60 s.
         *
         * @param period 1 s to 1 h
         * @return this builder
         */
        public Builder cookieRotation(Duration period) {
            Objects.requireNonNull(period, "cookieRotation");
            if (period.compareTo(Duration.ofSeconds(1)) < 0 || period.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("cookieRotation must be in [1 s, 1 h]: " + period);
            }
            this.cookieRotation = period;
            return this;
        }

        /**
         * Restricts the cipher suites. Default: the JDK's enabled DTLS 1.2 suites.
         *
         * @param suites JSSE suite names, or null for the defaults
         * @return this builder
         */
        public Builder cipherSuites(String... suites) {
            common.cipherSuites(suites);
            return this;
        }

        /** @return the configuration */
        public DtlsServerConfig build() {
            return new DtlsServerConfig(this);
        }
    }
}
