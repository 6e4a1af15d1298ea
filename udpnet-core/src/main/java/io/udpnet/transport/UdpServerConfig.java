package io.udpnet.transport;

import io.udpnet.dtls.DtlsServerConfig;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The validated, immutable configuration of a {@link UdpServer}. Build it with {@link #builder()}; every value has a
 * safe default, and a bad value fails at the setter with an {@link IllegalArgumentException} naming it.
 */
public final class UdpServerConfig {

    /** Largest payload of a UDP datagram over IPv4. */
    public static final int MAX_UDP_PAYLOAD = 65_507;

    private final InetSocketAddress bindAddress;
    private final ServerMode mode;
    private final int shards;
    private final int maxSessions;
    private final int maxConnectedSockets;
    private final Duration idleTimeout;
    private final int receiveQueueCapacity;
    private final int acceptBacklog;
    private final int maxDatagramSize;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final PeerAdmissionPolicy peerFilter;
    private final UdpServerListener sessionListener;
    private final DatagramIo io;
    private final DtlsServerConfig dtls;

    private UdpServerConfig(Builder b) {
        this.dtls = b.dtls;
        this.bindAddress = b.bindAddress;
        this.mode = b.mode;
        this.shards = b.shards;
        this.maxSessions = b.maxSessions;
        this.maxConnectedSockets = b.maxConnectedSockets;
        this.idleTimeout = b.idleTimeout;
        this.receiveQueueCapacity = b.receiveQueueCapacity;
        this.acceptBacklog = b.acceptBacklog;
        this.maxDatagramSize = b.maxDatagramSize;
        this.receiveBufferSize = b.receiveBufferSize;
        this.sendBufferSize = b.sendBufferSize;
        this.peerFilter = b.peerFilter;
        this.sessionListener = b.sessionListener;
        this.io = b.io;
    }

    /**
     * Starts a builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The local address to bind; port 0 picks a free port.
     *
     * @return the local address to bind; port 0 picks a free port
     */
    public InetSocketAddress bindAddress() {
        return bindAddress;
    }

    /**
     * The requested strategy.
     *
     * @return the requested strategy
     */
    public ServerMode mode() {
        return mode;
    }

    /**
     * The number of sockets in {@link ServerMode#SHARDED} mode.
     *
     * @return the number of sockets in {@link ServerMode#SHARDED} mode
     */
    public int shards() {
        return shards;
    }

    /**
     * The maximum number of open sessions.
     *
     * @return the maximum number of open sessions
     */
    public int maxSessions() {
        return maxSessions;
    }

    /**
     * The maximum number of per-peer connected sockets in {@link ServerMode#CONNECTED} mode.
     *
     * @return the maximum number of per-peer connected sockets in {@link ServerMode#CONNECTED} mode
     */
    public int maxConnectedSockets() {
        return maxConnectedSockets;
    }

    /**
     * How long a session may receive nothing before it is closed; {@link Duration#ZERO} for never.
     *
     * @return how long a session may receive nothing before it is closed; {@link Duration#ZERO} for never
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * The maximum number of datagrams waiting in one session's receive queue.
     *
     * @return the maximum number of datagrams waiting in one session's receive queue
     */
    public int receiveQueueCapacity() {
        return receiveQueueCapacity;
    }

    /**
     * The maximum number of new sessions waiting for {@link UdpServer#accept()}.
     *
     * @return the maximum number of new sessions waiting for {@link UdpServer#accept()}
     */
    public int acceptBacklog() {
        return acceptBacklog;
    }

    /**
     * The largest datagram accepted; larger ones are dropped.
     *
     * @return the largest datagram accepted; larger ones are dropped
     */
    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    /**
     * {@code SO_RCVBUF} for every socket, or 0 for the system default.
     *
     * @return {@code SO_RCVBUF} for every socket, or 0 for the system default
     */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /**
     * {@code SO_SNDBUF} for every socket, or 0 for the system default.
     *
     * @return {@code SO_SNDBUF} for every socket, or 0 for the system default
     */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /**
     * The admission check for new peers.
     *
     * @return the admission check for new peers
     */
    public PeerAdmissionPolicy peerFilter() {
        return peerFilter;
    }

    /**
     * The listener for event-driven use, or {@code null} when sessions are taken with accept().
     *
     * @return the listener for event-driven use, or {@code null} when sessions are taken with accept()
     */
    public UdpServerListener sessionListener() {
        return sessionListener;
    }

    /**
     * The I/O implementation, or null for {@link DatagramIo#defaultIo()}.
     *
     * @return the implementation asked for, or null
     */
    public DatagramIo io() {
        return io;
    }

    /**
     * The DTLS settings, or null for plain datagrams.
     *
     * @return the settings or null
     */
    public DtlsServerConfig dtls() {
        return dtls;
    }

    /** Builds a {@link UdpServerConfig}. Not thread-safe. */
    public static final class Builder {
        private InetSocketAddress bindAddress = new InetSocketAddress(0);
        private ServerMode mode = ServerMode.SHARED;
        private int shards = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int maxSessions = 10_000;
        private int maxConnectedSockets = 256;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private int receiveQueueCapacity = 256;
        private int acceptBacklog = 1024;
        private int maxDatagramSize = 2048;
        private int receiveBufferSize = 4 << 20;
        private int sendBufferSize = 0;
        private PeerAdmissionPolicy peerFilter = PeerAdmissionPolicy.ACCEPT_ALL;
        private UdpServerListener sessionListener;
        private DatagramIo io;
        private DtlsServerConfig dtls;

        private Builder() {
        }

        /**
         * Serves DTLS 1.2: a new peer becomes a session only once its handshake completed, sessions receive
         * decrypted datagrams and {@link DatagramSession#send} encrypts (one datagram, one record). Default null:
         * plain datagrams.
         *
         * @param dtls the DTLS settings, or null
         * @return this builder
         */
        public Builder dtls(DtlsServerConfig dtls) {
            this.dtls = dtls;
            return this;
        }

        /**
         * Sets the local address. Default: the wildcard address (dual-stack where IPv6 exists), port 0.
         *
         * @param address an address that is not unresolved
         * @return this builder
         */
        public Builder bindAddress(InetSocketAddress address) {
            Objects.requireNonNull(address, "bindAddress");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("bindAddress is unresolved: " + address);
            }
            this.bindAddress = address;
            return this;
        }

        /**
         * Sets the strategy. Default {@link ServerMode#SHARED}.
         *
         * @param mode the strategy
         * @return this builder
         */
        public Builder mode(ServerMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Sets the socket count for {@link ServerMode#SHARDED}. Default: the number of available processors.
         *
         * @param shards 1 to 64
         * @return this builder
         */
        public Builder shards(int shards) {
            this.shards = checkRange("shards", shards, 1, 64);
            return this;
        }

        /**
         * Sets the maximum number of open sessions; datagrams from further new peers are dropped and counted.
         * Default 10,000.
         *
         * @param max 1 to 1,000,000
         * @return this builder
         */
        public Builder maxSessions(int max) {
            this.maxSessions = checkRange("maxSessions", max, 1, 1_000_000);
            return this;
        }

        /**
         * Sets the cap on per-peer connected sockets in {@link ServerMode#CONNECTED}. Peers beyond it still get a
         * session, served through the listening socket like {@link ServerMode#SHARED}. Default 256.
         *
         * @param max 0 to 4,096
         * @return this builder
         */
        public Builder maxConnectedSockets(int max) {
            this.maxConnectedSockets = checkRange("maxConnectedSockets", max, 0, 4096);
            return this;
        }

        /**
         * Sets how long a session may receive nothing before it is closed with {@link SessionCloseReason#IDLE_TIMEOUT}.
         * Default 60 s.
         *
         * @param timeout at least 1 ms, or {@link Duration#ZERO} to never evict
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "idleTimeout");
            if (!timeout.isZero() && timeout.compareTo(Duration.ofMillis(1)) < 0) {
                throw new IllegalArgumentException("idleTimeout must be zero or at least 1 ms: " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Sets the per-session receive queue bound; overflow is counted as {@link DatagramDropReason#QUEUE_FULL}.
         * Default 256.
         *
         * @param capacity 1 to 65,536
         * @return this builder
         */
        public Builder receiveQueueCapacity(int capacity) {
            this.receiveQueueCapacity = checkRange("receiveQueueCapacity", capacity, 1, 65_536);
            return this;
        }

        /**
         * Sets how many new sessions may wait for {@link UdpServer#accept()}; when full, new peers are dropped
         * ({@link DatagramDropReason#BACKLOG_FULL}) without creating a session. Default 1,024.
         *
         * @param backlog 1 to 65,536
         * @return this builder
         */
        public Builder acceptBacklog(int backlog) {
            this.acceptBacklog = checkRange("acceptBacklog", backlog, 1, 65_536);
            return this;
        }

        /**
         * Sets the largest datagram accepted; larger ones are dropped ({@link DatagramDropReason#OVERSIZE}). Default 2,048.
         *
         * @param size 1 to {@link #MAX_UDP_PAYLOAD}
         * @return this builder
         */
        public Builder maxDatagramSize(int size) {
            this.maxDatagramSize = checkRange("maxDatagramSize", size, 1, MAX_UDP_PAYLOAD);
            return this;
        }

        /**
         * Sets {@code SO_RCVBUF} on every socket (the kernel may cap it: see {@link UdpServer#grantedReceiveBufferSize()}).
         * Default 4 MiB, enough for a burst of tens of thousands of small datagrams while the server warms up.
         *
         * @param bytes 0 (system default) to 64 MiB
         * @return this builder
         */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = checkRange("receiveBufferSize", bytes, 0, 64 << 20);
            return this;
        }

        /**
         * Sets {@code SO_SNDBUF} on every socket (the kernel may cap it). Default 0, the system default.
         *
         * @param bytes 0 (system default) to 64 MiB
         * @return this builder
         */
        public Builder sendBufferSize(int bytes) {
            this.sendBufferSize = checkRange("sendBufferSize", bytes, 0, 64 << 20);
            return this;
        }

        /**
         * Sets the admission check for new peers. Default {@link PeerAdmissionPolicy#ACCEPT_ALL}.
         *
         * @param filter the filter
         * @return this builder
         */
        public Builder peerFilter(PeerAdmissionPolicy filter) {
            this.peerFilter = Objects.requireNonNull(filter, "peerFilter");
            return this;
        }

        /**
         * Switches to event-driven use: new sessions go to {@code listener} and {@link UdpServer#accept()} is
         * unavailable. Default: none ({@code accept()} style).
         *
         * @param listener the listener, or {@code null} for accept() style
         * @return this builder
         */
        public Builder sessionListener(UdpServerListener listener) {
            this.sessionListener = listener;
            return this;
        }

        /**
         * Chooses the I/O implementation. Default null: {@link DatagramIo#defaultIo()} (native where it loads).
         *
         * @param io {@link DatagramIo#nio()}, another implementation, or null for the default
         * @return this builder
         */
        public Builder io(DatagramIo io) {
            this.io = io;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         */
        public UdpServerConfig build() {
            return new UdpServerConfig(this);
        }

        private static int checkRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
            }
            return value;
        }
    }
}
