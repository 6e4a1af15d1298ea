package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.dtls.DtlsServerConfig;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Settings of a {@link MessageServer}. Immutable; build with {@link #builder()}. Values are checked when set, with
 * an {@link IllegalArgumentException} naming the setting.
 */
public final class MessageServerConfig {
    private final InetSocketAddress bindAddress;
    private final ServerMode mode;
    private final int shards;
    private final int maxConnectedSockets;
    private final ConnectionConfig connection;
    private final ServerEndpointConfig server;
    private final MessageConnectionListener listener;
    private final ClientAdmissionPolicy admission;
    private final int acceptBacklog;
    private final int inboxBytes;
    private final long inboxMemoryBytes;
    private final int socketBufferBytes;
    private final DatagramIo io;
    private final int serverId;
    private final int serverIdBits;
    private final DtlsServerConfig dtls;

    private MessageServerConfig(Builder b) {
        this.dtls = b.dtls;
        this.serverId = b.serverId;
        this.serverIdBits = b.serverIdBits;
        this.bindAddress = b.bindAddress;
        this.mode = b.mode;
        this.shards = b.shards;
        this.maxConnectedSockets = b.maxConnectedSockets;
        this.connection = b.dtls == null ? b.connection : SecureSizing.fit(b.connection, b.dtls.maxDatagramSize());
        this.server = b.server;
        this.listener = b.listener;
        this.admission = b.admission;
        this.acceptBacklog = b.acceptBacklog;
        this.inboxBytes = b.inboxBytes;
        this.inboxMemoryBytes = b.inboxMemoryBytes;
        this.socketBufferBytes = b.socketBufferBytes;
        this.io = b.io;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where the server listens. Default: the loopback address, a free port. */
    public InetSocketAddress bindAddress() {
        return bindAddress;
    }

    /** How sockets and I/O threads are laid out; see docs/SERVER-MODES.md. Default SHARED. */
    public ServerMode mode() {
        return mode;
    }

    /** SHARDED: the number of sockets and I/O threads. Default: available processors. */
    public int shards() {
        return shards;
    }

    /**
     * The id this server writes into the low {@link #serverIdBits()} bits of every connection token, for a load
     * balancer that routes datagrams by it (docs/SCALING.md). Default 0.
     */
    public int serverId() {
        return serverId;
    }

    /** How many low bits of the token hold {@link #serverId()}; 0 (the default) for none. */
    public int serverIdBits() {
        return serverIdBits;
    }

    /** CONNECTED: most connections with their own connected socket; the others are served by the listener. */
    public int maxConnectedSockets() {
        return maxConnectedSockets;
    }

    /**
     * DTLS settings when every connection runs inside a DTLS 1.2 session (docs/PROTOCOL.md, "Over DTLS"); null (the
     * default) for plain udpnet.
     */
    public DtlsServerConfig dtls() {
        return dtls;
    }

    /**
     * Channels, limits and timers of every connection; clients must use the same channels and limits. With
     * {@link #dtls()} its maximum datagram size is lowered so that a datagram and its record fit the DTLS maximum.
     */
    public ConnectionConfig connection() {
        return connection;
    }

    /** Handshake limits: maximum connections, cookie lifetime, challenge rate. */
    public ServerEndpointConfig server() {
        return server;
    }

    /** The listener every connection delivers to, or null for {@link MessageServer#accept()}. */
    public MessageConnectionListener listener() {
        return listener;
    }

    /** Decides on each client that proved its address (its address and connect payload); default: all. */
    public ClientAdmissionPolicy admission() {
        return admission;
    }

    /** New connections waiting for {@link MessageServer#accept()}; beyond it clients are refused. */
    public int acceptBacklog() {
        return acceptBacklog;
    }

    /** Bytes of received messages a connection holds for {@code receive()} before it refuses more from its peer. */
    public int inboxBytes() {
        return inboxBytes;
    }

    /**
     * Bytes of received messages all connections together hold for {@code receive()}: once reached, every
     * connection refuses its peer's messages until the application reads (the peers send them again later), so a
     * server whose application falls behind with many clients does not grow without bound. A connection that ends
     * stops counting; what it held stays readable.
     */
    public long inboxMemoryBytes() {
        return inboxMemoryBytes;
    }

    /** SO_RCVBUF and SO_SNDBUF asked for each socket (the kernel may cap them). */
    public int socketBufferBytes() {
        return socketBufferBytes;
    }

    /** Builds a {@link MessageServerConfig}. */
    /** The I/O implementation; null (the default) for {@link DatagramIo#defaultIo()}, resolved when the server opens. */
    public DatagramIo io() {
        return io;
    }

    public static final class Builder {
        private InetSocketAddress bindAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private ServerMode mode = ServerMode.SHARED;
        private int shards = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int maxConnectedSockets = 256;
        private ConnectionConfig connection = ConnectionConfig.defaults();
        private ServerEndpointConfig server = ServerEndpointConfig.defaults();
        private MessageConnectionListener listener;
        private ClientAdmissionPolicy admission = ClientAdmissionPolicy.ACCEPT_ALL;
        private int acceptBacklog = 1024;
        private int inboxBytes = 4 << 20;
        private long inboxMemoryBytes = 256L << 20;
        private int socketBufferBytes = 4 << 20;
        private DatagramIo io;
        private int serverId;
        private int serverIdBits;
        private DtlsServerConfig dtls;

        private Builder() {
        }

        /**
         * Puts {@code id} in the low {@code bits} bits of every token, so that a balancer in front of several servers
         * can route each data datagram to the server that has its connection (docs/SCALING.md). In SHARDED mode the
         * shard index takes the bits above, and the two together may take at most 8 bits.
         *
         * @param id   0 .. 2^bits - 1
         * @param bits 0..7
         */
        public Builder serverId(int id, int bits) {
            if (bits < 0 || bits > 7 || id < 0 || id >= 1 << bits) {
                throw new IllegalArgumentException("serverId: bits 0..7 and id 0..2^bits-1 expected, got id=" + id
                        + ", bits=" + bits);
            }
            this.serverId = id;
            this.serverIdBits = bits;
            return this;
        }

        public Builder bindAddress(InetSocketAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "bindAddress");
            return this;
        }

        public Builder mode(ServerMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** 1..256. */
        public Builder shards(int n) {
            if (n < 1 || n > 256) {
                throw new IllegalArgumentException("shards: 1..256 expected, got " + n);
            }
            this.shards = n;
            return this;
        }

        /** 0..100,000. Default 256. */
        public Builder maxConnectedSockets(int n) {
            if (n < 0 || n > 100_000) {
                throw new IllegalArgumentException("maxConnectedSockets: 0..100000 expected, got " + n);
            }
            this.maxConnectedSockets = n;
            return this;
        }

        public Builder connection(ConnectionConfig config) {
            this.connection = Objects.requireNonNull(config, "connection");
            return this;
        }

        public Builder server(ServerEndpointConfig config) {
            this.server = Objects.requireNonNull(config, "server");
            return this;
        }

        /** Event-driven use; null (the default) for {@link MessageServer#accept()}. */
        public Builder listener(MessageConnectionListener listener) {
            this.listener = listener;
            return this;
        }

        /** Called on an I/O thread; must not block. The connect payload is valid during the call only. */
        public Builder admission(ClientAdmissionPolicy admission) {
            this.admission = Objects.requireNonNull(admission, "admission");
            return this;
        }

        /** 1..1,000,000. Default 1024. */
        public Builder acceptBacklog(int n) {
            if (n < 1 || n > 1_000_000) {
                throw new IllegalArgumentException("acceptBacklog: 1..1000000 expected, got " + n);
            }
            this.acceptBacklog = n;
            return this;
        }

        /** 64 KiB .. 1 GiB. Default 4 MiB. */
        public Builder inboxBytes(int n) {
            if (n < 64 << 10 || n > 1 << 30) {
                throw new IllegalArgumentException("inboxBytes: 65536..1073741824 expected, got " + n);
            }
            this.inboxBytes = n;
            return this;
        }

        /** 64 KiB .. 1 TiB, and at least {@link #inboxBytes}. Default 256 MiB. */
        public Builder inboxMemoryBytes(long n) {
            if (n < 64 << 10 || n > 1L << 40) {
                throw new IllegalArgumentException("inboxMemoryBytes: 65536..2^40 expected, got " + n);
            }
            this.inboxMemoryBytes = n;
            return this;
        }

        /** 64 KiB .. 256 MiB. Default 4 MiB. */
        public Builder socketBufferBytes(int n) {
            if (n < 64 << 10 || n > 256 << 20) {
                throw new IllegalArgumentException("socketBufferBytes: 65536..268435456 expected, got " + n);
            }
            this.socketBufferBytes = n;
            return this;
        }

        /** The I/O implementation: {@link DatagramIo#nio()}, or null (default) for {@link DatagramIo#defaultIo()}. */
        public Builder io(DatagramIo io) {
            this.io = io;
            return this;
        }

        /**
         * Runs every connection inside a DTLS 1.2 session: a client completes the DTLS handshake (with udpnet's
         * stateless cookie first) before its udpnet REQUEST, and each udpnet datagram travels as one record. The
         * DTLS maximum datagram size bounds udpnet's (minus {@link io.udpnet.dtls.DtlsPeer#RECORD_OVERHEAD}, but
         * never below udpnet's 1,200 bytes). Clients must use {@link MessageClientConfig.Builder#dtls}.
         *
         * @param config the DTLS settings, or null (default) for plain udpnet
         * @return this builder
         */
        public Builder dtls(DtlsServerConfig config) {
            this.dtls = config;
            return this;
        }

        public MessageServerConfig build() {
            int shardBits = mode == ServerMode.SHARDED && shards > 1 ? 32 - Integer.numberOfLeadingZeros(shards - 1) : 0;
            if (serverIdBits + shardBits > 8) {
                throw new IllegalArgumentException("serverId: " + serverIdBits + " bits and " + shards
                        + " shards need " + (serverIdBits + shardBits) + " token bits; 8 at most");
            }
            if (inboxMemoryBytes < inboxBytes) {
                throw new IllegalArgumentException("inboxMemoryBytes (" + inboxMemoryBytes
                        + ") must be at least inboxBytes (" + inboxBytes + ")");
            }
            return new MessageServerConfig(this);
        }
    }
}
