package io.udpnet.dtls;

import io.udpnet.io.DatagramIo;

import java.time.Duration;
import java.util.Objects;

/**
 * The validated, immutable settings of a {@link DtlsClient}. Build with {@link #builder(DtlsTrust)}: the trust is
 * the one choice without a default, since the safe one (system CAs) rejects every self-signed server.
 */
public final class DtlsClientConfig {
    private final DtlsTrust trust;
    private final DtlsCredentials credentials;
    private final String serverName;
    private final DtlsCommon common;
    private final int receiveQueueCapacity;
    private final DatagramIo io;
    /** Made on first use and shared by every client of this configuration: making one costs milliseconds. */
    private volatile javax.net.ssl.SSLContext context;

    private DtlsClientConfig(Builder b) {
        this.trust = b.trust;
        this.credentials = b.credentials;
        this.serverName = b.serverName;
        this.common = b.common.copy();
        this.receiveQueueCapacity = b.receiveQueueCapacity;
        this.io = b.io;
    }

    /**
     * Starts a builder.
     *
     * @param trust which server certificates to accept
     * @return the builder
     */
    public static Builder builder(DtlsTrust trust) {
        return new Builder(Objects.requireNonNull(trust, "trust"));
    }

    /** @return which server certificates are accepted */
    public DtlsTrust trust() {
        return trust;
    }

    /** @return the client certificate and key, or null */
    public DtlsCredentials credentials() {
        return credentials;
    }

    /** @return the name checked against the server's certificate (CA-based trust only), or null for the host */
    public String serverName() {
        return serverName;
    }

    /** @return the largest datagram sent */
    public int maxDatagramSize() {
        return common.maxDatagramSize;
    }

    /** @return how long the handshake may take */
    public Duration handshakeTimeout() {
        return common.handshakeTimeout;
    }

    /** @return the first flight retransmission time-out */
    public Duration initialRetransmitTimeout() {
        return common.initialRetransmitTimeout;
    }

    /** @return the largest flight retransmission time-out */
    public Duration maxRetransmitTimeout() {
        return common.maxRetransmitTimeout;
    }

    /** @return the most received datagrams waiting for {@link DtlsClient#receive}; more are dropped and counted */
    public int receiveQueueCapacity() {
        return receiveQueueCapacity;
    }

    /** @return the cipher suites, or null for the JDK's defaults */
    public String[] cipherSuites() {
        return common.cipherSuitesCopy();
    }

    /** @return the I/O implementation, or null for {@link DatagramIo#defaultIo()} */
    public DatagramIo io() {
        return io;
    }

    /** @return the SSLContext of this configuration, made once */
    javax.net.ssl.SSLContext context() throws java.security.GeneralSecurityException {
        javax.net.ssl.SSLContext c = context;
        if (c == null) {
            synchronized (this) {
                c = context;
                if (c == null) {
                    c = DtlsEngines.context(credentials, trust);
                    context = c;
                }
            }
        }
        return c;
    }

    /** Builds a {@link DtlsClientConfig}. Not thread-safe. */
    public static final class Builder {
        private final DtlsTrust trust;
        private DtlsCredentials credentials;
        private String serverName;
        private final DtlsCommon common = new DtlsCommon();
        private int receiveQueueCapacity = 256;
        private DatagramIo io;

        private Builder(DtlsTrust trust) {
            this.trust = trust;
        }

        /**
         * Presents a client certificate when the server asks for one. Default none.
         *
         * @param credentials the key and chain, or null
         * @return this builder
         */
        public Builder credentials(DtlsCredentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /**
         * Sets the name the server's certificate must carry (with CA-based trust). Default: the host connected to.
         *
         * @param name a DNS name, or null
         * @return this builder
         */
        public Builder serverName(String name) {
            this.serverName = name;
            return this;
        }

        /**
         * Sets the largest datagram sent. Default 1,200 bytes.
         *
         * @param bytes 256 to 16,384
         * @return this builder
         */
        public Builder maxDatagramSize(int bytes) {
            common.maxDatagramSize(bytes);
            return this;
        }

        /**
         * Sets how long the handshake may take. Default 20 s.
         *
         * @param timeout 100 ms to 10 min
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            common.handshakeTimeout(timeout);
            return this;
        }

        /**
         * Sets the flight retransmission time-outs. Default 1 s, doubling up to 8 s.
         *
         * @param initial 100 ms to 10 min
         * @param max     at least {@code initial}
         * @return this builder
         */
        public Builder retransmitTimeouts(Duration initial, Duration max) {
            common.retransmitTimeouts(initial, max);
            return this;
        }

        /**
         * Sets the receive queue bound. Default 256.
         *
         * @param capacity 1 to 65,536
         * @return this builder
         */
        public Builder receiveQueueCapacity(int capacity) {
            this.receiveQueueCapacity = DtlsCommon.range("receiveQueueCapacity", capacity, 1, 65_536);
            return this;
        }

        /**
         * Restricts the cipher suites. Default: the JDK's.
         *
         * @param suites JSSE names, or null
         * @return this builder
         */
        public Builder cipherSuites(String... suites) {
            common.cipherSuites(suites);
            return this;
        }

        /**
         * Chooses the I/O implementation. Default null: {@link DatagramIo#defaultIo()}.
         *
         * @param io the implementation, or null
         * @return this builder
         */
        public Builder io(DatagramIo io) {
            this.io = io;
            return this;
        }

        /** @return the configuration */
        public DtlsClientConfig build() {
            return new DtlsClientConfig(this);
        }
    }
}
