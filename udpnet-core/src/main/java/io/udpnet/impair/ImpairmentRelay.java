package io.udpnet.impair;

import io.udpnet.impair.LinkConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A UDP relay on real sockets that applies a {@link LinkConfig} in real time: loss, duplication, reordering,
 * latency, jitter, corruption, a bandwidth limit with its bottleneck queue, and a datagram size limit, each
 * direction with its own configuration. Put it between real clients and a real server (or any UDP tools) to test
 * them through a bad network without leaving the machine.
 *
 * <pre>{@code
 * try (ImpairmentRelay relay = ImpairmentRelay.builder(server.localAddress())
 *         .link(LinkConfig.builder().loss(0.05).latency(Duration.ofMillis(25)).build())
 *         .seed(7)
 *         .open()) {
 *     connectClientTo(relay.localAddress());
 * }
 * }</pre>
 *
 * <p><b>Like a NAT.</b> The relay listens on one socket. Each distinct client source address gets its own upstream
 * socket towards the target (bound to the loopback address of the target's family when the target is a loopback
 * address, to the wildcard address otherwise, on an ephemeral port), so the server sees one distinct peer per client,
 * and replies from the target go back to the client that owns the socket. {@link #rebind} gives a client a new
 * upstream socket, as a NAT rebinding would. Mappings idle (no datagram either way) for the idle time-out expire.
 *
 * <p><b>Impairments</b> are applied exactly as the simulator applies them (see {@link LinkConfig} for the stages and
 * their order), on {@link System#nanoTime()} instead of a virtual clock. Each client's two directions draw from
 * their own random stream, derived from the relay's seed and the order in which clients first appear; the timing of
 * real sockets is not reproducible, but the sequence of decisions for the n-th datagram of a client is.
 *
 * <p><b>Threads and memory.</b> One thread does everything: it reads every socket, applies the impairments, holds
 * datagrams in one priority queue until they are due and sends them. Delays are honoured to within a fraction of a
 * millisecond on an idle machine. Held datagrams are bounded in bytes, client mappings in number, the bottleneck
 * queue by its capacity; what exceeds a bound is dropped and counted in {@link #stats()}. The relay logs through
 * {@link System.Logger} ({@code io.udpnet.transport}) and never prints.
 *
 * <p>All public methods are thread-safe.
 */
public final class ImpairmentRelay implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.udpnet.transport");
    private static final long JOIN_MILLIS = 5_000;

    private final InetSocketAddress localAddress;
    private final InetSocketAddress target;
    private final RelayLoop loop;
    private final Thread thread;

    private ImpairmentRelay(Builder b, Selector selector, DatagramChannel listen) throws IOException {
        this.localAddress = (InetSocketAddress) listen.getLocalAddress();
        this.target = b.target;
        this.loop = new RelayLoop(b, upstreamBindAddress(b.target), selector, listen);
        this.thread = new Thread(loop, "udpnet-relay-" + localAddress.getPort());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts a builder for a relay towards {@code target}.
     *
     * @param target the address datagrams from clients are relayed to (usually a server on loopback)
     * @return a builder with perfect links in both directions
     */
    public static Builder builder(InetSocketAddress target) {
        return new Builder(target);
    }

    /**
     * The address clients send to (with the concrete port when port 0 was asked for).
     *
     * @return the bound listening address
     */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * The address datagrams from clients are relayed to.
     *
     * @return the target address
     */
    public InetSocketAddress target() {
        return target;
    }

    /**
     * The source address the target sees for a client: the local address of the client's upstream socket.
     *
     * @param client a client's source address, as it sends to {@link #localAddress()}
     * @return the upstream address, or empty when the relay has no mapping for that client (yet, or any more)
     * @throws IllegalStateException when the relay is closed
     */
    public Optional<InetSocketAddress> upstreamAddress(InetSocketAddress client) {
        Objects.requireNonNull(client, "client");
        return Optional.ofNullable(call(() -> loop.upstreamAddress(client)));
    }

    /**
     * Emulates a NAT rebinding: gives the client a new upstream socket, so the target sees the client's next
     * datagrams (including those already held for their delay) arrive from a new source port. Datagrams the target
     * sends to the old address afterwards are lost, as they would be behind a real NAT.
     *
     * @param client a client's source address, as it sends to {@link #localAddress()}
     * @return the new address the target will see for the client
     * @throws IllegalArgumentException when the relay has no mapping for that client
     * @throws IOException              when a new socket cannot be opened
     * @throws IllegalStateException    when the relay is closed
     */
    public InetSocketAddress rebind(InetSocketAddress client) throws IOException {
        Objects.requireNonNull(client, "client");
        try {
            return call(() -> loop.rebind(client));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * The counters, taken at one instant. After {@link #close()} it returns the final counters.
     *
     * @return a snapshot of the counters
     */
    public RelayStats stats() {
        if (!thread.isAlive() && loop.finalStats() != null) {
            return loop.finalStats();
        }
        try {
            return call(loop::snapshot);
        } catch (IllegalStateException closed) {
            return loop.finalStats();
        }
    }

    /**
     * Whether the relay is still running.
     *
     * @return false once {@link #close()} was called or the relay stopped on an error
     */
    public boolean isOpen() {
        return !loop.stopping() && thread.isAlive();
    }

    /**
     * Stops the relay's thread and closes every socket; datagrams still held are discarded. Idempotent; waits up to
     * five seconds for the thread to finish.
     */
    @Override
    public void close() {
        loop.stop();
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "relay thread " + thread.getName() + " did not stop in time");
        }
    }

    /** Runs {@code task} on the relay's thread and waits for its result. */
    private <T> T call(java.util.concurrent.Callable<T> task) {
        CompletableFuture<T> result = loop.submit(task);
        while (true) {
            try {
                return result.get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!thread.isAlive()) {
                    // The loop ended after the task was queued: fail it here, nobody else will run it.
                    loop.failPendingTasks();
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the relay", e);
            }
        }
    }

    /**
     * Loopback of the target's family for a loopback target, so the server sees loopback peers; otherwise the
     * wildcard address, letting the kernel pick the interface that routes to the target.
     */
    private static InetSocketAddress upstreamBindAddress(InetSocketAddress target) throws UnknownHostException {
        InetAddress t = target.getAddress();
        if (t == null || !t.isLoopbackAddress()) {
            return new InetSocketAddress(0);
        }
        byte[] loopback = t instanceof Inet6Address ? new byte[16] : new byte[] {127, 0, 0, 0};
        loopback[loopback.length - 1] = 1;
        return new InetSocketAddress(InetAddress.getByAddress(loopback), 0);
    }

    /** Collects and validates the settings of an {@link ImpairmentRelay}. Each setter rejects a bad value at once. */
    public static final class Builder {
        final InetSocketAddress target;
        InetSocketAddress listen;
        LinkConfig toServer = LinkConfig.PERFECT;
        LinkConfig toClient = LinkConfig.PERFECT;
        long seed = 1;
        int maxClients = 64;
        Duration idleTimeout = Duration.ofSeconds(60);
        long maxHeldBytes = 16L * 1024 * 1024;

        private Builder(InetSocketAddress target) {
            Objects.requireNonNull(target, "target");
            if (target.isUnresolved()) {
                throw new IllegalArgumentException("target must be a resolved address, got " + target);
            }
            this.target = target;
        }

        /**
         * Where the relay listens for clients. Default: port 0 on the loopback address of the target's family (on the
         * wildcard address when the target is not a loopback address).
         *
         * @param address a local address; port 0 picks a free port
         * @return this builder
         */
        public Builder listen(InetSocketAddress address) {
            Objects.requireNonNull(address, "address");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("listen must be a resolved address, got " + address);
            }
            listen = address;
            return this;
        }

        /**
         * Impairments applied to datagrams from clients towards the target. Default: {@link LinkConfig#PERFECT}.
         *
         * @param config the client-to-server link
         * @return this builder
         */
        public Builder toServer(LinkConfig config) {
            toServer = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Impairments applied to datagrams from the target back to clients. Default: {@link LinkConfig#PERFECT}.
         *
         * @param config the server-to-client link
         * @return this builder
         */
        public Builder toClient(LinkConfig config) {
            toClient = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * The same impairments in both directions (each direction still has its own queue and random stream).
         *
         * @param config the link for both directions
         * @return this builder
         */
        public Builder link(LinkConfig config) {
            return toServer(config).toClient(config);
        }

        /**
         * Seed of the random streams. Default 1.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Most client mappings open at once; datagrams from further new clients are dropped and counted. Default 64.
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxClients(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxClients must be >= 1, got " + max);
            }
            maxClients = max;
            return this;
        }

        /**
         * How long a client mapping lives without a datagram in either direction. Default 60 s; zero never expires.
         *
         * @param timeout zero or positive
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout must be >= 0, got " + timeout);
            }
            idleTimeout = timeout;
            return this;
        }

        /**
         * Most memory, in bytes, that datagrams held for their delay may occupy; beyond it they are dropped and
         * counted. Default 16 MiB.
         *
         * @param bytes at least 64 KiB, so that any single datagram fits
         * @return this builder
         */
        public Builder maxHeldBytes(long bytes) {
            if (bytes < 64 * 1024) {
                throw new IllegalArgumentException("maxHeldBytes must be >= 65536, got " + bytes);
            }
            maxHeldBytes = bytes;
            return this;
        }

        /**
         * Binds the listening socket and starts the relay's thread.
         *
         * @return the running relay
         * @throws IOException when the listening socket cannot be bound
         */
        public ImpairmentRelay open() throws IOException {
            InetSocketAddress bind = listen != null ? listen : upstreamBindAddress(target);
            Selector selector = Selector.open();
            DatagramChannel channel = null;
            try {
                channel = DatagramChannel.open();
                channel.bind(bind);
                channel.configureBlocking(false);
                return new ImpairmentRelay(this, selector, channel);
            } catch (IOException | RuntimeException e) {
                RelaySockets.closeQuietly(channel);
                selector.close();
                throw e;
            }
        }
    }
}
