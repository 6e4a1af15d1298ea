package io.udpnet.impair;

import io.udpnet.impair.DatagramPool;
import io.udpnet.impair.LinkConfig;
import io.udpnet.impair.LinkStats;
import io.udpnet.impair.HeldDatagrams.Held;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The single thread of an {@link ImpairmentRelay}: owns the selector, every socket, the links, the held datagrams
 * and the counters, so none of them needs a lock. Other threads reach it only through {@link #submit} and
 * {@link #stop}.
 */
final class RelayLoop implements Runnable {
    private static final int TO_SERVER = RelayClient.TO_SERVER;
    private static final int TO_CLIENT = RelayClient.TO_CLIENT;
    private static final System.Logger LOG = System.getLogger("io.udpnet.transport");
    /** Larger than any UDP payload, so no datagram is ever truncated on receive. */
    private static final int RECEIVE_BUFFER = 65_536;
    /** Datagrams read from one socket per wake-up, so a flood on one socket cannot make held datagrams late. */
    private static final int READS_PER_WAKEUP = 64;

    private final InetSocketAddress target;
    private final InetSocketAddress upstreamBind;
    private final LinkConfig toServerConfig;
    private final LinkConfig toClientConfig;
    private final SplittableRandom seeds;
    private final int maxClients;
    private final long idleNanos;
    private final long sweepPeriodNanos;
    private final Selector selector;
    private final DatagramChannel listen;
    private final ByteBuffer buffer = ByteBuffer.allocate(RECEIVE_BUFFER);
    private final DatagramPool pool = new DatagramPool();
    private final Map<InetSocketAddress, RelayClient> clients = new HashMap<>();
    private final HeldDatagrams held;
    private final ConcurrentLinkedQueue<Task<?>> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;
    private volatile RelayStats finalStats;

    private long nextSweepNanos;
    /** Counters of links whose client expired, so totals survive the mapping. */
    private LinkStats retiredToServer = LinkStats.ZERO;
    private LinkStats retiredToClient = LinkStats.ZERO;
    private final long[] sendFailed = new long[2];
    private long admitted;
    private long expired;
    private long rebinds;
    private long refused;

    /** A call from another thread, run on the loop. */
    private record Task<T>(Callable<T> body, CompletableFuture<T> result) {
        void run() {
            try {
                result.complete(body.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        }
    }

    RelayLoop(ImpairmentRelay.Builder b, InetSocketAddress upstreamBind, Selector selector, DatagramChannel listen)
            throws IOException {
        this.target = b.target;
        this.upstreamBind = upstreamBind;
        this.toServerConfig = b.toServer;
        this.toClientConfig = b.toClient;
        this.seeds = new SplittableRandom(b.seed);
        this.maxClients = b.maxClients;
        this.idleNanos = b.idleTimeout.toNanos();
        this.sweepPeriodNanos = Math.clamp(idleNanos / 4, 5_000_000L, 1_000_000_000L);
        this.held = new HeldDatagrams(pool, b.maxHeldBytes);
        this.selector = selector;
        this.listen = listen;
        listen.register(selector, SelectionKey.OP_READ);
        nextSweepNanos = System.nanoTime() + sweepPeriodNanos;
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                runTasks();
                long now = System.nanoTime();
                sendDue(now);
                if (idleNanos > 0 && now - nextSweepNanos >= 0) {
                    expireIdle(now);
                    nextSweepNanos = now + sweepPeriodNanos;
                }
                waitForWork();
                readReady();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "impairment relay on " + RelaySockets.localAddress(listen) + " stopped", e);
        } finally {
            shutdown();
        }
    }

    <T> CompletableFuture<T> submit(Callable<T> body) {
        Task<T> task = new Task<>(body, new CompletableFuture<>());
        tasks.add(task);
        selector.wakeup();
        return task.result();
    }

    void stop() {
        stopping = true;
        selector.wakeup();
    }

    boolean stopping() {
        return stopping;
    }

    RelayStats finalStats() {
        return finalStats;
    }

    /** Fails every queued call; used once the loop has ended, from whichever thread notices. */
    void failPendingTasks() {
        for (Task<?> t; (t = tasks.poll()) != null; ) {
            t.result().completeExceptionally(new IllegalStateException("relay closed"));
        }
    }

    InetSocketAddress upstreamAddress(InetSocketAddress client) {
        RelayClient c = clients.get(client);
        return c == null ? null : (InetSocketAddress) RelaySockets.localAddress(c.upstream);
    }

    InetSocketAddress rebind(InetSocketAddress address) {
        RelayClient c = clients.get(address);
        if (c == null) {
            throw new IllegalArgumentException("no client mapping for " + address);
        }
        DatagramChannel old = c.upstream;
        try {
            // The new socket is opened before the old one closes, so the kernel cannot hand out the same port.
            openUpstream(c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RelaySockets.closeQuietly(old);
        rebinds++;
        InetSocketAddress now = (InetSocketAddress) RelaySockets.localAddress(c.upstream);
        LOG.log(Level.DEBUG, () -> "relay: " + address + " rebound to " + now);
        return now;
    }

    RelayStats snapshot() {
        LinkStats up = retiredToServer;
        LinkStats down = retiredToClient;
        for (RelayClient c : clients.values()) {
            up = up.plus(c.toServer.link.stats());
            down = down.plus(c.toClient.link.stats());
        }
        return new RelayStats(RelayStats.Direction.of(up, held.dropped(TO_SERVER), sendFailed[TO_SERVER]),
                RelayStats.Direction.of(down, held.dropped(TO_CLIENT), sendFailed[TO_CLIENT]),
                clients.size(), admitted, expired, rebinds, refused, held.size(), held.bytes());
    }

    private void runTasks() {
        for (Task<?> t; (t = tasks.poll()) != null; ) {
            t.run();
        }
    }

    /**
     * Blocks until a socket is readable, a task arrives or the next held datagram is due. The selector only waits
     * in whole milliseconds, so it is asked to wake no later than the deadline and the rest is parked precisely.
     */
    private void waitForWork() throws IOException {
        long deadline = held.nextDueNanos();
        if (idleNanos > 0) {
            deadline = Math.min(deadline, nextSweepNanos);
        }
        if (!tasks.isEmpty() || stopping) {
            selector.selectNow();
            return;
        }
        if (deadline == Long.MAX_VALUE) {
            selector.select();
            return;
        }
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
            selector.selectNow();
        } else if (wait >= 1_000_000) {
            selector.select(wait / 1_000_000);
        } else {
            LockSupport.parkNanos(wait);
            selector.selectNow();
        }
    }

    private void readReady() {
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            if (!key.isValid()) {
                continue;
            }
            if (key.attachment() instanceof RelayClient c) {
                readUpstream(c, (DatagramChannel) key.channel());
            } else {
                readListen();
            }
        }
    }

    private void readListen() {
        for (int i = 0; i < READS_PER_WAKEUP; i++) {
            buffer.clear();
            SocketAddress from;
            try {
                from = listen.receive(buffer);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "relay: receive failed on the listening socket", e);
                return;
            }
            if (from == null) {
                return;
            }
            buffer.flip();
            long now = System.nanoTime();
            RelayClient c = clients.get(from);
            if (c == null && (c = admit((InetSocketAddress) from, now)) == null) {
                refused++;
                continue;
            }
            c.lastActiveNanos = now;
            c.toServer.link.offer(now, buffer, c.toServer);
        }
    }

    private void readUpstream(RelayClient c, DatagramChannel channel) {
        for (int i = 0; i < READS_PER_WAKEUP; i++) {
            buffer.clear();
            SocketAddress from;
            try {
                from = channel.receive(buffer);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> "relay: receive failed for " + c.address + ": " + e);
                return;
            }
            if (from == null) {
                return;
            }
            if (!target.equals(from)) {
                // Like a NAT: only the target may answer through a client's mapping.
                continue;
            }
            buffer.flip();
            long now = System.nanoTime();
            c.lastActiveNanos = now;
            c.toClient.link.offer(now, buffer, c.toClient);
        }
    }

    private RelayClient admit(InetSocketAddress address, long now) {
        if (clients.size() >= maxClients) {
            return null;
        }
        RelayClient c = new RelayClient(address, target, toServerConfig, toClientConfig, seeds, pool, held, now);
        try {
            openUpstream(c);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "relay: cannot open an upstream socket for " + address, e);
            return null;
        }
        clients.put(address, c);
        admitted++;
        LOG.log(Level.DEBUG, () -> "relay: new client " + address + " as " + RelaySockets.localAddress(c.upstream));
        return c;
    }

    /**
     * Opens a fresh upstream socket for {@code c}. Not connected: a connected channel's send() becomes write(), which
     * silently drops empty datagrams; replies from anyone but the target are filtered on receive instead.
     */
    private void openUpstream(RelayClient c) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.bind(upstreamBind);
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ, c);
        } catch (IOException | RuntimeException e) {
            RelaySockets.closeQuietly(ch);
            throw e;
        }
        c.upstream = ch;
    }

    private void sendDue(long now) {
        for (Held h; (h = held.pollDue(now)) != null; ) {
            send(h);
            held.release(h);
        }
    }

    private void send(Held h) {
        RelayClient.Leg leg = h.leg();
        RelayClient c = leg.client;
        if (c.closed) {
            sendFailed[leg.direction]++;
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(h.data(), 0, h.length());
        boolean sent;
        try {
            if (leg.direction == TO_SERVER) {
                c.upstream.send(b, target);
            } else {
                listen.send(b, c.address);
            }
            // A non-blocking send that finds the socket buffer full sends nothing and leaves the buffer unread.
            sent = !b.hasRemaining();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "relay: send failed for " + c.address + ": " + e);
            sent = false;
        }
        if (sent) {
            leg.link.countDelivered(h.length());
        } else {
            sendFailed[leg.direction]++;
        }
    }

    private void expireIdle(long now) {
        for (Iterator<RelayClient> it = clients.values().iterator(); it.hasNext(); ) {
            RelayClient c = it.next();
            if (now - c.lastActiveNanos >= idleNanos) {
                it.remove();
                retire(c);
                expired++;
                LOG.log(Level.DEBUG, () -> "relay: client " + c.address + " expired");
            }
        }
    }

    private void retire(RelayClient c) {
        c.closed = true;
        RelaySockets.closeQuietly(c.upstream);
        retiredToServer = retiredToServer.plus(c.toServer.link.stats());
        retiredToClient = retiredToClient.plus(c.toClient.link.stats());
    }

    private void shutdown() {
        stopping = true;
        try {
            finalStats = snapshot();
        } finally {
            for (RelayClient c : new ArrayList<>(clients.values())) {
                RelaySockets.closeQuietly(c.upstream);
            }
            RelaySockets.closeQuietly(listen);
            try {
                selector.close();
            } catch (IOException ignored) {
                // Closing the selector cannot lose data.
            }
            held.clear();
            failPendingTasks();
        }
    }
}
