package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.dtls.DtlsClientConfig;
import io.udpnet.io.DatagramIo;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Settings of a {@link MessageClient}. Immutable; build with {@link #builder()}. Values are checked when set, with
 * an {@link IllegalArgumentException} naming the setting.
 */
public final class MessageClientConfig {
    private final ConnectionConfig connection;
    private final InetAddress bindAddress;
    private final int socketBufferBytes;
    private final int inboxBytes;
    private final DatagramIo io;
    private final DtlsClientConfig dtls;

    private MessageClientConfig(Builder b) {
        this.dtls = b.dtls;
        this.connection = b.dtls == null ? b.connection : SecureSizing.fit(b.connection, b.dtls.maxDatagramSize());
        this.bindAddress = b.bindAddress;
        this.socketBufferBytes = b.socketBufferBytes;
        this.inboxBytes = b.inboxBytes;
        this.io = b.io;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return DTLS settings when connections run inside DTLS 1.2 sessions; null (the default) for plain udpnet */
    public DtlsClientConfig dtls() {
        return dtls;
    }

    /**
     * @return the settings every connection uses (the server's channels and limits must match); with {@link #dtls()}
     *         the maximum datagram size is lowered so that a datagram and its record fit the DTLS maximum
     */
    public ConnectionConfig connection() {
        return connection;
    }

    /**
     * The local address each connection's socket binds to (on a free port); null (the default) for the loopback
     * address when the server is on loopback, else the wildcard address of the server's family.
     *
     * @return the address, or null
     */
    public InetAddress bindAddress() {
        return bindAddress;
    }

    /** @return SO_RCVBUF and SO_SNDBUF asked for each connection's socket */
    public int socketBufferBytes() {
        return socketBufferBytes;
    }

    /** @return bytes of received messages a connection holds for {@code receive()} before it refuses more */
    public int inboxBytes() {
        return inboxBytes;
    }

    /** @return the I/O implementation; null (the default) for {@link DatagramIo#defaultIo()} */
    public DatagramIo io() {
        return io;
    }

    /** Builds a {@link MessageClientConfig}. */
    public static final class Builder {
        private ConnectionConfig connection = ConnectionConfig.defaults();
        private InetAddress bindAddress;
        private int socketBufferBytes = 1 << 20;
        private int inboxBytes = 4 << 20;
        private DatagramIo io;
        private DtlsClientConfig dtls;

        private Builder() {
        }

        /**
         * @param config the connections' settings; default {@link ConnectionConfig#defaults()}
         * @return this builder
         */
        public Builder connection(ConnectionConfig config) {
            this.connection = Objects.requireNonNull(config, "connection");
            return this;
        }

        /**
         * @param address the local address to bind, or null for the default (see {@link #bindAddress()})
         * @return this builder
         */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        /**
         * @param n 64 KiB .. 256 MiB; default 1 MiB
         * @return this builder
         */
        public Builder socketBufferBytes(int n) {
            if (n < 64 << 10 || n > 256 << 20) {
                throw new IllegalArgumentException("socketBufferBytes: 65536..268435456 expected, got " + n);
            }
            this.socketBufferBytes = n;
            return this;
        }

        /**
         * @param n 64 KiB .. 1 GiB; default 4 MiB
         * @return this builder
         */
        public Builder inboxBytes(int n) {
            if (n < 64 << 10 || n > 1 << 30) {
                throw new IllegalArgumentException("inboxBytes: 65536..1073741824 expected, got " + n);
            }
            this.inboxBytes = n;
            return this;
        }

        /**
         * @param io {@link DatagramIo#nio()}, or null (default) for {@link DatagramIo#defaultIo()}
         * @return this builder
         */
        public Builder io(DatagramIo io) {
            this.io = io;
            return this;
        }

        /**
         * Runs every connection inside a DTLS 1.2 session with its server, which must be configured with
         * {@link MessageServerConfig.Builder#dtls}: the DTLS handshake completes before the udpnet REQUEST leaves,
         * and each udpnet datagram travels as one record.
         *
         * @param config the DTLS settings (trust, time-outs), or null (default) for plain udpnet
         * @return this builder
         */
        public Builder dtls(DtlsClientConfig config) {
            this.dtls = config;
            return this;
        }

        /** @return the configuration */
        public MessageClientConfig build() {
            return new MessageClientConfig(this);
        }
    }
}
