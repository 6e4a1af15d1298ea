package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.CongestionConfig;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.messaging.ConnectionClosedException;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageClientConfig;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;
import io.udpnet.messaging.MessageServerStats;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * udpnet's message level: a SHARED {@link MessageServer} on 127.0.0.1 and one {@link MessageClient} connection to it,
 * one reliable-ordered channel. Messages go from the client to the server's {@link MessageConnectionListener}, which counts
 * them on the server's I/O thread. For ping-pong the server's listener echoes each message with {@code trySend}
 * and the client's listener, on the client's I/O thread, records the round trip. Both ends use the {@link DatagramIo}
 * given: NIO for {@code udpnet}, the native one for {@code udpnet-native}.
 */
final class UdpnetPeer implements ComparedPeer {
    private static final int CHANNEL = 0;
    private static final int MAX_DATAGRAM = 1472;

    private final PeerSettings settings;
    private final String name;
    private final ConnectionConfig config;
    private final ServerSide serverSide = new ServerSide();
    private final ClientSide clientSide = new ClientSide();
    private final ByteBuffer out;
    private MessageServer server;
    private MessageClient client;
    private MessageConnection connection;
    private long sent;
    private long heldBack;
    private ConnectionStats lastStats;
    private String window = "no window samples";

    private UdpnetPeer(PeerSettings settings, String name, boolean congestion) {
        this.settings = settings;
        this.name = name;
        // Datagrams up to 1,472 bytes, as the raw peer sends in bulk (and Aeron's 1,408): path MTU discovery finds
        // what loopback carries; the library's default stays at 1,200, which crosses every path.
        ConnectionConfig.Builder b = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED)
                .maxDatagramSize(MAX_DATAGRAM);
        if (!congestion) {
            b.congestion(CongestionConfig.builder().algorithm(CongestionConfig.Algorithm.NONE).build());
        }
        this.config = b.build();
        this.out = ByteBuffer.allocate(settings.size());
    }

    /**
     * Starts the server and connects the client; closes what it opened if that fails.
     *
     * @param name       the name in the tables
     * @param congestion the default congestion control, or none
     * @param io         the I/O implementation of both ends
     */
    static UdpnetPeer open(PeerSettings settings, String name, boolean congestion, DatagramIo io)
            throws IOException {
        UdpnetPeer p = new UdpnetPeer(settings, name, congestion);
        if (settings.size() > p.config.maxMessageSize(CHANNEL)) {
            throw new IllegalArgumentException("--size " + settings.size() + " is over udpnet's message limit of "
                    + p.config.maxMessageSize(CHANNEL));
        }
        try {
            p.server = MessageServer.open(MessageServerConfig.builder()
                    .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARED)
                    .connection(p.config).listener(p.serverSide).io(io).build());
            p.client = MessageClient.open(MessageClientConfig.builder().connection(p.config).io(io).build());
            p.connection = p.client.connect(p.server.localAddress(), ByteBuffer.allocate(0), p.clientSide);
            p.lastStats = p.connection.stats();
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> configuration() {
        CongestionConfig cc = config.congestion();
        return List.of(
                "I/O: " + server.io() + " (server), " + client.io() + " (client)",
                "MessageServer SHARED on 127.0.0.1 (one socket, one I/O thread), listener counts / echoes on it",
                "MessageClient, one connection (own socket, one I/O thread), listener for pongs",
                "ConnectionConfig: channels [RELIABLE_ORDERED], maxDatagramSize " + config.maxDatagramSize()
                        + " (path MTU discovery " + (config.pathMtuDiscovery() ? "on" : "off") + "), sendWindow "
                        + config.sendWindow() + " messages, sendBufferBytes " + config.sendBufferBytes()
                        + ", receiveBufferBytes " + config.receiveBufferBytes() + ", ackFrequency "
                        + config.ackFrequency() + ", maxAckDelay " + config.maxAckDelayNanos() / 1_000_000 + " ms",
                "congestion: " + cc.algorithm() + (cc.algorithm() == CongestionConfig.Algorithm.BBR
                        ? ", initial window " + cc.initialWindowBytes() + " B, pacing burst "
                        + cc.pacingBurstBytes() + " B" : ""),
                "server socket buffers: " + server.config().socketBufferBytes() + " B asked",
                "sender on back-pressure: trySend + " + settings.idle().describe());
    }

    @Override
    public Throughput throughput(long nanos) throws Exception {
        serverSide.echo = false;
        long first = sent;
        long r0;
        long r1;
        long t0;
        long t1;
        WindowSampler sampler = new WindowSampler(connection);
        sampler.start();
        try {
            r0 = serverSide.received.get();
            t0 = System.nanoTime();
            sent = send(first, t0 + nanos);
            t1 = System.nanoTime();
            r1 = serverSide.received.get();
        } finally {
            window = sampler.finish();
        }
        Drain.untilAll(name, serverSide.received, sent, serverSide.error);
        double rate = (r1 - r0) * 1e9 / (t1 - t0);
        return new Throughput(rate, rate * settings.size(), sent - first, sent - first);
    }

    /** Sends messages numbered from {@code seq} until {@code deadline}; returns the next number. */
    private long send(long seq, long deadline) throws IOException {
        IdleStrategy idle = settings.idle().create();
        while (true) {
            out.putLong(0, seq);
            if (connection.trySend(CHANNEL, out)) {
                seq++;
                idle.reset();
                if ((seq & 63) == 0 && System.nanoTime() >= deadline) {
                    return seq;
                }
            } else {
                heldBack++;
                if (System.nanoTime() >= deadline) {
                    return seq;
                }
                idle.idle();
            }
        }
    }

    @Override
    public PingSchedule.Result pingPong(PingSchedule schedule) throws Exception {
        serverSide.echo = true;
        clientSide.schedule = schedule;
        try {
            IdleStrategy idle = settings.idle().create();
            ByteBuffer ping = ByteBuffer.allocate(settings.size());
            PingSchedule.Result r = schedule.run((number, due) -> {
                ping.putLong(0, number).putLong(8, due);
                long deadline = System.nanoTime() + PeerSettings.TIMEOUT_NANOS;
                idle.reset();
                while (!connection.trySend(CHANNEL, ping)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(name + ": no room for a ping");
                    }
                    idle.idle();
                }
            }, PeerSettings.TIMEOUT_NANOS);
            String error = serverSide.error.get();
            if (error != null) {
                throw new IllegalStateException(name + ": " + error);
            }
            return r;
        } finally {
            clientSide.schedule = null;
        }
    }

    @Override
    public String diagnostics() {
        ConnectionStats s = connection.stats();
        ConnectionStats p = lastStats;
        lastStats = s;
        MessageServerStats ss = server.stats();
        long datagrams = s.datagramsSent() - p.datagramsSent();
        long messages = s.messagesSent() - p.messagesSent();
        return String.format(Locale.ROOT, "sender held back %,d times since start; client since last: %,d datagrams "
                        + "sent (%.1f messages each), %,d lost (%,d of them found spurious), %,d retransmitted; %s; "
                        + "now srtt %d us (min %d us), "
                        + "pacing %,.1f MB/s, datagram %d B; server inbox drops %d, send drops %d, socket drops %d",
                heldBack, datagrams, datagrams == 0 ? 0.0 : (double) messages / datagrams,
                s.datagramsLost() - p.datagramsLost(),
                s.spuriousLosses() + s.spuriousProbeTimeouts() - p.spuriousLosses() - p.spuriousProbeTimeouts(),
                s.retransmissions() - p.retransmissions(), window,
                s.smoothedRttNanos() / 1000, s.minRttNanos() / 1000, s.pacingRate() / 1e6, s.datagramSize(),
                ss.inboxDrops(), ss.sendDrops(), ss.sockets().socketDrops());
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The server's listener, on its I/O thread: counts and checks messages, or echoes them during ping-pong. */
    private static final class ServerSide implements MessageConnectionListener {
        final AtomicLong received = new AtomicLong();
        final AtomicReference<String> error = new AtomicReference<>();
        volatile boolean echo;
        private long count;

        @Override
        public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
            if (echo) {
                try {
                    if (!c.trySend(channel, message)) {
                        error.compareAndSet(null, "the server had no room to echo a ping");
                    }
                } catch (ConnectionClosedException e) {
                    error.compareAndSet(null, "the connection closed: " + e.getMessage());
                }
                return;
            }
            long seq = message.getLong(message.position());
            if (seq != count) {
                error.compareAndSet(null, "message " + seq + " arrived when " + count + " was expected");
            }
            count = seq + 1;
            received.setRelease(count);
        }
    }

    /** The client's listener, on its I/O thread: takes each pong. */
    private static final class ClientSide implements MessageConnectionListener {
        volatile PingSchedule schedule;

        @Override
        public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
            PingSchedule s = schedule;
            if (s != null) {
                s.onPong(message.getLong(message.position() + 8));
            }
        }
    }

    /**
     * Looks at the congestion window every {@value #SAMPLE_MILLIS} ms while the sender runs, from its own thread
     * ({@code stats()} is taken on the I/O thread): how often is it full, i.e. has less room than one datagram?
     */
    private static final class WindowSampler extends Thread {
        private static final long SAMPLE_MILLIS = 5;
        private final MessageConnection connection;
        private volatile boolean running = true;
        private int samples;
        private int full;
        private long minWindow = Long.MAX_VALUE;
        private long maxWindow;
        private double sumWindow;

        WindowSampler(MessageConnection connection) {
            super("udpnet-bench-window-sampler");
            setDaemon(true);
            this.connection = connection;
        }

        @Override
        public void run() {
            while (running) {
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                ConnectionStats s = connection.stats();
                long cwnd = s.congestionWindow();
                if (cwnd == Long.MAX_VALUE) {
                    continue;
                }
                samples++;
                if (cwnd - s.bytesInFlight() < s.datagramSize()) {
                    full++;
                }
                minWindow = Math.min(minWindow, cwnd);
                maxWindow = Math.max(maxWindow, cwnd);
                sumWindow += cwnd;
            }
        }

        /** Stops sampling and says what was seen. */
        String finish() throws InterruptedException {
            running = false;
            join(PeerSettings.TIMEOUT_NANOS / 1_000_000);
            if (isAlive()) {
                interrupt();
                return "window sampler did not stop";
            }
            if (samples == 0) {
                return "no congestion window";
            }
            return String.format(Locale.ROOT, "congestion window full in %d of %d samples, %,d .. %,d B (mean %,.0f)",
                    full, samples, minWindow, maxWindow, sumWindow / samples);
        }
    }
}
