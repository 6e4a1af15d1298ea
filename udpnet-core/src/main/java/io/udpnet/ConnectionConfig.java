package io.udpnet;

import io.udpnet.CongestionConfig;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.PacketHeader;
import io.udpnet.wire.SharedSettings;
import io.udpnet.wire.WireFormat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one connection's data path. Both ends must configure the same channels. Immutable; build one with
 * {@link #builder()}. Every value is checked when built, with an {@link IllegalArgumentException} naming it.
 *
 * <p>Long because every setting has its check and its documentation in the builder; the class is plain data.
 */
public final class ConnectionConfig {
    /** Most channels a connection may have (the channel field is one byte). */
    public static final int MAX_CHANNELS = SharedSettings.MAX_CHANNELS;

    private final Delivery[] channels;
    private final int maxDatagramSize;
    private final int maxMessageSize;
    private final int maxUnreliableFragments;
    private final int sendWindow;
    private final int sendBufferBytes;
    private final int receiveBufferBytes;
    private final int ackFrequency;
    private final long maxAckDelayNanos;
    private final long initialRttNanos;
    private final long connectTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long keepAliveNanos;
    private final CongestionConfig congestion;
    private final boolean pathMtuDiscovery;

    private ConnectionConfig(Builder b) {
        this.channels = b.channels.clone();
        this.maxDatagramSize = b.maxDatagramSize;
        this.maxMessageSize = b.maxMessageSize;
        this.maxUnreliableFragments = b.maxUnreliableFragments;
        this.sendWindow = b.sendWindow;
        this.sendBufferBytes = b.sendBufferBytes;
        this.receiveBufferBytes = b.receiveBufferBytes;
        this.ackFrequency = b.ackFrequency;
        this.maxAckDelayNanos = b.maxAckDelayNanos;
        this.initialRttNanos = b.initialRttNanos;
        this.connectTimeoutNanos = b.connectTimeoutNanos;
        this.idleTimeoutNanos = b.idleTimeoutNanos;
        this.keepAliveNanos = b.keepAliveNanos;
        this.congestion = b.congestion;
        this.pathMtuDiscovery = b.pathMtuDiscovery;
    }

    /** A builder starting from this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.channels = channels.clone();
        b.maxDatagramSize = maxDatagramSize;
        b.maxMessageSize = maxMessageSize;
        b.maxUnreliableFragments = maxUnreliableFragments;
        b.sendWindow = sendWindow;
        b.sendBufferBytes = sendBufferBytes;
        b.receiveBufferBytes = receiveBufferBytes;
        b.ackFrequency = ackFrequency;
        b.maxAckDelayNanos = maxAckDelayNanos;
        b.initialRttNanos = initialRttNanos;
        b.connectTimeoutNanos = connectTimeoutNanos;
        b.idleTimeoutNanos = idleTimeoutNanos;
        b.keepAliveNanos = keepAliveNanos;
        b.congestion = congestion;
        b.pathMtuDiscovery = pathMtuDiscovery;
        return b;
    }

    /** A builder with the defaults: channels 0..3 are reliable-ordered, reliable-unordered, sequenced, unreliable. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default configuration. */
    public static ConnectionConfig defaults() {
        return builder().build();
    }

    /** The number of channels, 1..{@value #MAX_CHANNELS}. */
    public int channelCount() {
        return channels.length;
    }

    /** Delivery mode of a channel. */
    public Delivery delivery(int channel) {
        return channels[channel];
    }

    /** The channels' delivery modes, by index. */
    public List<Delivery> channels() {
        return List.of(channels);
    }

    /**
     * Largest datagram this connection sends, in bytes (UDP payload). With path MTU discovery on (the default) a
     * connection starts at 1200 bytes and probes up to this size; with it off, it uses this size from the start.
     */
    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    /**
     * The largest datagram a transport must accept for such a connection: every datagram up to 1472 bytes, whatever
     * its own sending maximum, because the peer's path MTU discovery may go that far (docs/PROTOCOL.md section 2).
     */
    public int largestAcceptedDatagram() {
        return Math.max(WireFormat.MAX_DATAGRAM_SIZE_IPV4, maxDatagramSize);
    }

    /** Whether connections probe for a datagram size above 1200 bytes, up to {@link #maxDatagramSize()}. */
    public boolean pathMtuDiscovery() {
        return pathMtuDiscovery;
    }

    /**
     * The datagram size packets are cut for: 1200 bytes with path MTU discovery, so that every packet still fits if
     * the path shrinks back to the size every path carries; the maximum datagram size when that is pinned.
     */
    private int packetDatagramSize() {
        return pathMtuDiscovery ? WireFormat.MIN_DATAGRAM_SIZE : maxDatagramSize;
    }

    /** Largest message accepted by {@code send}, in bytes. */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * Largest message {@code channel} accepts: {@link #maxMessageSize()} on a reliable channel; on an unreliable
     * or sequenced one, also no more than {@link #maxUnreliableFragments()} fragments.
     *
     * @throws IllegalArgumentException for a channel that does not exist
     */
    public int maxMessageSize(int channel) {
        if (channel < 0 || channel >= channels.length) {
            throw new IllegalArgumentException("channel " + channel + " does not exist; there are " + channels.length);
        }
        if (delivery(channel).isReliable()) {
            return maxMessageSize;
        }
        long fragmented = maxUnreliableFragments < 2 ? 0 : (long) maxUnreliableFragments * maxFragmentPayload();
        return (int) Math.min(maxMessageSize, Math.max(maxWholePayload(), fragmented));
    }

    /** Most fragments a message may have on an unreliable or sequenced channel (each lost fragment loses it). */
    public int maxUnreliableFragments() {
        return maxUnreliableFragments;
    }

    /** Most messages in flight (sent, not yet acknowledged) per reliable channel: a power of two. */
    public int sendWindow() {
        return sendWindow;
    }

    /** Most bytes of messages held for sending or retransmission, over all channels of the connection. */
    public int sendBufferBytes() {
        return sendBufferBytes;
    }

    /** Most bytes of out-of-order or partly received messages buffered, over all channels of the connection. */
    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    /** An ack goes out at once after this many ack-eliciting datagrams have arrived unacknowledged. */
    public int ackFrequency() {
        return ackFrequency;
    }

    /** Longest an ack for a received datagram waits for data to ride on. */
    public long maxAckDelayNanos() {
        return maxAckDelayNanos;
    }

    /** Round-trip time assumed until the first measurement. */
    public long initialRttNanos() {
        return initialRttNanos;
    }

    /**
     * How long a client tries to connect before giving up. On the server, how long a connection it accepted waits
     * for the client's first data datagram (which a client sends as soon as it is accepted): a client that gave up
     * or never received the ACCEPT does not hold its slot for the whole idle time-out.
     */
    public long connectTimeoutNanos() {
        return connectTimeoutNanos;
    }

    /**
     * A connection that receives nothing for this long is closed as timed out: how long a peer that vanished
     * without a word (crashed, or its network went away) goes unnoticed at most.
     */
    public long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    /**
     * An idle connection sends a keep-alive after this long without either end sending anything that must be
     * acknowledged; the peer's ack answers it, so one keep-alive per interval serves both ends and both directions
     * of a NAT binding. It also bounds when an idle connection gives back its spare memory.
     */
    public long keepAliveNanos() {
        return keepAliveNanos;
    }

    /** Congestion control and pacing of this connection's sending (BBR by default). */
    public CongestionConfig congestion() {
        return congestion;
    }

    /**
     * The settings both ends must share (maximum message size, unreliable fragment limit, send window, channels and
     * their modes), encoded as a REQUEST carries them ({@link SharedSettings}), so that a server can say which of
     * them differ from its own.
     */
    public byte[] sharedSettings() {
        byte[] modes = new byte[channels.length];
        for (int i = 0; i < channels.length; i++) {
            modes[i] = (byte) channels[i].ordinal();
        }
        return SharedSettings.encode(maxMessageSize, maxUnreliableFragments, sendWindow, modes);
    }

    /**
     * The CRC32C of {@link #sharedSettings()}. Exchanged in the handshake, so that mismatched ends are refused with
     * a clear reason instead of misbehaving later.
     */
    public int digest() {
        return SharedSettings.digest(sharedSettings());
    }

    /** Largest payload of one fragment: a fragment packet fills a whole datagram. */
    public int maxFragmentPayload() {
        return packetDatagramSize() - DataHeader.OVERHEAD - PacketHeader.FRAGMENT_HEADER;
    }

    /** Largest message that travels unfragmented. */
    public int maxWholePayload() {
        return packetDatagramSize() - DataHeader.OVERHEAD - PacketHeader.MESSAGE_HEADER;
    }

    @Override
    public String toString() {
        return "ConnectionConfig{channels=" + Arrays.toString(channels) + ", maxDatagramSize=" + maxDatagramSize
                + ", maxMessageSize=" + maxMessageSize + ", sendWindow=" + sendWindow + '}';
    }

    /** Builds a {@link ConnectionConfig}. */
    public static final class Builder {
        private Delivery[] channels = {Delivery.RELIABLE_ORDERED, Delivery.RELIABLE_UNORDERED,
                Delivery.UNRELIABLE_SEQUENCED, Delivery.UNRELIABLE};
        private int maxDatagramSize = WireFormat.DEFAULT_DATAGRAM_SIZE;
        private int maxMessageSize = 1 << 20;
        private int maxUnreliableFragments = 32;
        private int sendWindow = 1024;
        private int sendBufferBytes = 4 << 20;
        private int receiveBufferBytes = 4 << 20;
        private int ackFrequency = 2;
        private long maxAckDelayNanos = Duration.ofMillis(5).toNanos();
        private long initialRttNanos = Duration.ofMillis(100).toNanos();
        private long connectTimeoutNanos = Duration.ofSeconds(5).toNanos();
        private long idleTimeoutNanos = Duration.ofSeconds(30).toNanos();
        private long keepAliveNanos = Duration.ofSeconds(15).toNanos();
        private CongestionConfig congestion = CongestionConfig.defaults();
        private boolean pathMtuDiscovery = true;

        private Builder() {
        }

        /** Sets every channel's delivery mode, by index (1 to 256 channels). */
        public Builder channels(Delivery... deliveries) {
            Objects.requireNonNull(deliveries, "deliveries");
            if (deliveries.length < 1 || deliveries.length > MAX_CHANNELS) {
                throw new IllegalArgumentException("channels: 1.." + MAX_CHANNELS + " expected, got " + deliveries.length);
            }
            for (Delivery d : deliveries) {
                Objects.requireNonNull(d, "channel delivery");
            }
            this.channels = deliveries.clone();
            return this;
        }

        /** Sets every channel's delivery mode, by index. */
        public Builder channels(List<Delivery> deliveries) {
            return channels(deliveries.toArray(new Delivery[0]));
        }

        /**
         * Largest datagram sent: 1200..1472 bytes (use at most 1452 on IPv6 paths). Default 1200: raise it to let
         * path MTU discovery find a larger size.
         */
        public Builder maxDatagramSize(int bytes) {
            this.maxDatagramSize = check("maxDatagramSize", bytes, WireFormat.MIN_DATAGRAM_SIZE,
                    WireFormat.MAX_DATAGRAM_SIZE_IPV4);
            return this;
        }

        /** Largest message, 1 byte .. 64 MiB. Default 1 MiB. */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = check("maxMessageSize", bytes, 1, 64 << 20);
            return this;
        }

        /** Most fragments per message on unreliable and sequenced channels, 1..65535. Default 32. */
        public Builder maxUnreliableFragments(int fragments) {
            this.maxUnreliableFragments = check("maxUnreliableFragments", fragments, 1, 65535);
            return this;
        }

        /** Messages in flight per reliable channel: a power of two, 16..16384. Default 1024. */
        public Builder sendWindow(int messages) {
            check("sendWindow", messages, 16, 16384);
            if (Integer.bitCount(messages) != 1) {
                throw new IllegalArgumentException("sendWindow must be a power of two, got " + messages);
            }
            this.sendWindow = messages;
            return this;
        }

        /** Bytes held for sending per connection, 4 KiB .. 1 GiB. Default 4 MiB. */
        public Builder sendBufferBytes(int bytes) {
            this.sendBufferBytes = check("sendBufferBytes", bytes, 4096, 1 << 30);
            return this;
        }

        /** Bytes buffered for reassembly and reordering per connection, 4 KiB .. 1 GiB. Default 4 MiB. */
        public Builder receiveBufferBytes(int bytes) {
            this.receiveBufferBytes = check("receiveBufferBytes", bytes, 4096, 1 << 30);
            return this;
        }

        /** Ack after this many ack-eliciting datagrams, 1..32. Default 2. */
        public Builder ackFrequency(int datagrams) {
            this.ackFrequency = check("ackFrequency", datagrams, 1, 32);
            return this;
        }

        /** Longest delay of an ack, 0..100 ms. Default 5 ms. */
        public Builder maxAckDelay(Duration delay) {
            this.maxAckDelayNanos = checkDuration("maxAckDelay", delay, Duration.ZERO, Duration.ofMillis(100));
            return this;
        }

        /** Round-trip time assumed before the first sample, 1 ms .. 10 s. Default 100 ms. */
        public Builder initialRtt(Duration rtt) {
            this.initialRttNanos = checkDuration("initialRtt", rtt, Duration.ofMillis(1), Duration.ofSeconds(10));
            return this;
        }

        /** How long a client tries to connect, 100 ms .. 10 min. Default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeoutNanos = checkDuration("connectTimeout", timeout, Duration.ofMillis(100),
                    Duration.ofMinutes(10));
            return this;
        }

        /**
         * Silence after which a connection is closed as timed out, 100 ms .. 1 h. Default 30 s: two keep-alive
         * intervals, so a lost keep-alive or its lost ack is made good by the probes that follow (they back off to
         * at most a quarter of this) long before the connection is given up. Lower it where a vanished peer must be
         * noticed sooner, at the cost of more frequent keep-alives.
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeoutNanos = checkDuration("idleTimeout", timeout, Duration.ofMillis(100), Duration.ofHours(1));
            return this;
        }

        /**
         * Interval of keep-alives on an idle connection, 10 ms .. 1 h, below the idle time-out. Default 15 s: a NAT
         * should keep an idle UDP binding for at least 2 minutes (RFC 4787, REQ-5), but many drop it after 30 s;
         * every 15 s refreshes such a binding in time even when one exchange is lost, at one keep-alive and one ack
         * per connection per interval (10,000 idle connections: about 1,300 datagrams per second at the server).
         */
        public Builder keepAlive(Duration interval) {
            this.keepAliveNanos = checkDuration("keepAlive", interval, Duration.ofMillis(10), Duration.ofHours(1));
            return this;
        }

        /**
         * Path MTU discovery on (default): start at 1200 bytes and probe up to {@link #maxDatagramSize(int)}. Off:
         * use the maximum datagram size from the start (pinned).
         */
        public Builder pathMtuDiscovery(boolean enabled) {
            this.pathMtuDiscovery = enabled;
            return this;
        }

        /** Congestion control and pacing; {@code CongestionConfig.builder().algorithm(NONE)} sends unthrottled. */
        public Builder congestion(CongestionConfig congestion) {
            this.congestion = java.util.Objects.requireNonNull(congestion, "congestion");
            return this;
        }

        private static long checkDuration(String name, Duration d, Duration min, Duration max) {
            if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + ": " + min + " .. " + max + " expected, got " + d);
            }
            return d.toNanos();
        }

        /** The configuration the builder holds; it can be reused to build others. */
        public ConnectionConfig build() {
            if (keepAliveNanos >= idleTimeoutNanos) {
                throw new IllegalArgumentException("keepAlive (" + Duration.ofNanos(keepAliveNanos)
                        + ") must be shorter than idleTimeout (" + Duration.ofNanos(idleTimeoutNanos) + ")");
            }
            if (sendBufferBytes < maxMessageSize) {
                throw new IllegalArgumentException("sendBufferBytes (" + sendBufferBytes
                        + ") must hold at least one message of maxMessageSize (" + maxMessageSize + ")");
            }
            return new ConnectionConfig(this);
        }

        private static int check(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + ": " + min + ".." + max + " expected, got " + value);
            }
            return value;
        }
    }
}
