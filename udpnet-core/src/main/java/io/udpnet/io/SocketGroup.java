package io.udpnet.io;

import io.udpnet.jfr.UdpnetEvents;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sockets one I/O thread of a server owns: its listening socket (the SHARED socket, one SHARDED socket, or the
 * CONNECTED listener) and, in CONNECTED mode, the sockets of the peers it gave one ({@link #attach}). It reads them
 * in batches and hands every datagram, routed by its source address, to its {@link Handler}; it sends what the handler
 * writes in batches, each datagram through the peer's own socket where it has one. Made by {@link ServerSockets}.
 *
 * <p>Hand-off of a peer to its own socket (the one place it is done): the listener sets only SO_REUSEADDR and the
 * per-peer sockets SO_REUSEADDR and SO_REUSEPORT. On Linux the kernel then prefers the listener for unconnected
 * traffic, so a per-peer socket between bind and connect catches almost nothing foreign; and whatever it does catch
 * is not lost: the native I/O's connect keeps it in the socket and later reads return it with its real source, the
 * NIO one drains it first ({@link UdpSocket#connect}). Either way every datagram is routed by source, so a stray one
 * reaches the right peer's handler.
 *
 * <p>Everything runs on the group's loop thread except {@link #sendNow}, which any thread may call.
 */
public final class SocketGroup implements IoLoop.Driver, PathError.Handler {
    private static final System.Logger LOG = System.getLogger("io.udpnet.io");
    /** Batches read per readable socket before timers and other sockets get their turn. */
    private static final int READ_ROUNDS = 4;
    /** Bound on caught datagrams waiting to be routed during hand-offs; the excess is dropped and counted. */
    private static final int MAX_HELD = 1024;

    /** What a group serves: a protocol's demultiplexer. Loop thread only. */
    public interface Handler {
        /**
         * A datagram arrived.
         *
         * @param from     its source
         * @param datagram position..limit; valid only during the call
         * @param now      {@link System#nanoTime()} at the read
         */
        void onDatagram(InetSocketAddress from, ByteBuffer datagram, long now);

        /**
         * The network reported an error about a peer (ICMP, or a datagram too big for the path).
         *
         * @param error what happened
         */
        void onPathError(PathError error);

        /**
         * Time to send what is due, through {@link SocketGroup#slot()} / {@link SocketGroup#commit} or
         * {@link SocketGroup#send}.
         *
         * @param now {@link System#nanoTime()}
         * @return the next deadline ({@link IoLoop.Driver#flush})
         */
        long flush(long now);

        /** The group stopped: release what the handler holds. Its sockets are closed after this returns. */
        void stopped();
    }

    private final ServerSockets server;
    private final int index;
    private final IoLoop loop;
    private final UdpSocket listener;
    private final IoCounters counters;
    private final int maxDatagramSize;
    private final DatagramBatch in;
    private final Transmitter out;
    private final int batchSize;
    /** What a new per-peer socket held before it was connected (NIO); made on the first hand-off. */
    private DatagramBatch strays;
    private final ConcurrentHashMap<InetSocketAddress, UdpSocket> own = new ConcurrentHashMap<>();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private Handler handler;
    private boolean routing;
    /** Each socket's drop count at its last KernelDrops event; made when such events are first recorded. */
    private HashMap<UdpSocket, Long> dropsReported;

    SocketGroup(ServerSockets server, int index, IoLoop loop, UdpSocket listener, IoCounters counters,
                int maxDatagramSize, int batchSize) {
        this.server = server;
        this.index = index;
        this.loop = loop;
        this.listener = listener;
        this.counters = counters;
        this.maxDatagramSize = maxDatagramSize;
        // One byte more than the largest datagram accepted, so that a larger one is seen as such, not cut silently.
        this.in = new DatagramBatch(batchSize, maxDatagramSize + 1);
        this.out = new Transmitter(batchSize, maxDatagramSize, this, counters);
        this.batchSize = batchSize;
    }

    void start(Handler h) throws IOException {
        this.handler = h;
        loop.register(listener, listener);
        loop.start(this);
    }

    /** @return this group's position among the server's groups, 0.. */
    public int index() {
        return index;
    }

    /** @return the loop that runs this group */
    public IoLoop loop() {
        return loop;
    }

    /** @return the server this group belongs to */
    public ServerSockets server() {
        return server;
    }

    /** @return the listening socket's address */
    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    // ---- input -------------------------------------------------------------------------------------------------

    @Override
    public void readable(Object attachment) {
        UdpSocket socket = (UdpSocket) attachment;
        for (int round = 0; round < READ_ROUNDS; round++) {
            in.clear();
            try {
                socket.receive(in, this);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                counters.receiveErrors.increment();
                LOG.log(Level.DEBUG, "receive failed on " + socket, e);
                return;
            }
            int n = in.count();
            if (UdpnetEvents.watchingKernelDrops()) {
                reportDrops(socket);
            }
            if (n == 0) {
                return;
            }
            long now = System.nanoTime();
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                bytes += in.length(i);
            }
            // Counted once per batch: the counters are shared with the threads that read stats.
            counters.datagramsIn.add(n);
            counters.bytesIn.add(bytes);
            for (int i = 0; i < n; i++) {
                route(in.peer(i), in.datagram(i), in.length(i), now);
            }
            if (n < in.capacity()) {
                return;
            }
            if (round + 1 < READ_ROUNDS) {
                // More may be waiting. What this batch made due leaves first, acks above all: a udpnet ack names
                // the newest datagram and the 64 before it, so several full batches from one peer under one ack
                // would leave most of them unacknowledged, and the peer would send them again.
                flush(System.nanoTime());
            }
        }
    }

    /** A KernelDrops event when the socket's drop count grew since its last one (the count is read, not polled). */
    private void reportDrops(UdpSocket socket) {
        if (dropsReported == null) {
            dropsReported = new HashMap<>();
        }
        long total = socket.drops();
        Long before = dropsReported.put(socket, total);
        long since = total - (before == null ? 0 : before);
        if (since > 0) {
            UdpnetEvents.kernelDrops(socket.localAddress(), since, total);
        }
    }

    /** Hands one datagram, already counted as received, to the handler. */
    private void route(InetSocketAddress from, ByteBuffer datagram, int length, long now) {
        if (length > maxDatagramSize) {
            counters.oversize.increment();
            return;
        }
        boolean outer = !routing;
        routing = true;
        try {
            handler.onDatagram(from, datagram, now);
        } catch (RuntimeException e) {
            counters.handlerErrors.increment();
            LOG.log(Level.WARNING, "handler failed on a datagram from " + from, e);
        } finally {
            if (outer) {
                routing = false;
            }
        }
        if (outer) {
            routeHeld();
        }
    }

    /**
     * Routes the datagrams new per-peer sockets had caught before they were connected. They wait until the datagram
     * being routed is done, because the handler usually attaches a peer from inside {@code onDatagram} and must not
     * be called again from within itself.
     */
    private void routeHeld() {
        Held h;
        while ((h = held.pollFirst()) != null) {
            counters.received(h.data().length);
            route(h.from(), ByteBuffer.wrap(h.data()), h.data().length, System.nanoTime());
        }
    }

    @Override
    public void onPathError(PathError error) {
        counters.pathErrors.increment();
        try {
            handler.onPathError(error);
        } catch (RuntimeException e) {
            counters.handlerErrors.increment();
            LOG.log(Level.WARNING, "handler failed on " + error, e);
        }
    }

    // ---- peers with a socket of their own -------------------------------------------------------------------------

    /**
     * Gives {@code peer} a socket of its own, connected to it, on the listener's port (CONNECTED mode, up to the
     * server's cap): the kernel then hands it that peer's datagrams and reports ICMP errors about the peer on it.
     * Datagrams the new socket had already caught are routed before this returns. Loop thread.
     *
     * @param peer the peer
     * @return true when the peer has its own socket now; false in other modes, beyond the cap, or when it failed
     *         (the peer is then served through the listener, and nothing is lost)
     */
    public boolean attach(InetSocketAddress peer) {
        if (!server.connectedMode() || own.containsKey(peer)) {
            return own.containsKey(peer);
        }
        if (!server.reserveConnectedSocket()) {
            return false;
        }
        UdpSocket s = null;
        if (strays == null) {
            strays = new DatagramBatch(batchSize, maxDatagramSize + 1);
        }
        strays.clear();
        try {
            s = server.openPeerSocket();
            s.bind(listener.localAddress());
            s.connect(peer, strays);
            loop.register(s, s);
            own.put(peer, s);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "no socket of its own for " + peer + "; served through the listener", e);
            if (s != null) {
                s.close();
            }
            server.releaseConnectedSocket();
            s = null;
        }
        routeStrays();
        return s != null;
    }

    /** Takes what a new socket held before it was connected, to be routed after the current datagram. */
    private void routeStrays() {
        int n = strays.count();
        for (int i = 0; i < n; i++) {
            if (held.size() >= MAX_HELD) {
                counters.strayDrops.increment();
                continue;
            }
            ByteBuffer d = strays.datagram(i);
            byte[] copy = new byte[d.remaining()];
            d.get(copy);
            held.addLast(new Held(strays.peer(i), copy));
        }
        counters.strays.add(n);
        strays.clear();
        if (!routing) {
            routeHeld();
        }
    }

    private record Held(InetSocketAddress from, byte[] data) {
    }

    /**
     * Closes {@code peer}'s own socket, if it has one: its later datagrams reach the listener. Loop thread.
     *
     * @param peer the peer
     */
    public void detach(InetSocketAddress peer) {
        UdpSocket s = own.remove(peer);
        if (s != null) {
            if (dropsReported != null) {
                dropsReported.remove(s);
            }
            if (s == out.socket()) {
                out.flush();
            }
            s.close();
            server.releaseConnectedSocket();
        }
    }

    /**
     * @param peer a peer
     * @return true when it has a socket of its own
     */
    public boolean hasOwnSocket(InetSocketAddress peer) {
        return own.containsKey(peer);
    }

    // ---- output ------------------------------------------------------------------------------------------------

    /**
     * The buffer to write the next datagram into (from index 0, left flipped), then {@link #commit}. Loop thread.
     *
     * @return a direct buffer of the largest datagram size
     */
    public ByteBuffer slot() {
        return out.slot();
    }

    /**
     * Queues the datagram written into {@link #slot()} for {@code to}, through the peer's own socket where it has
     * one; it leaves at the latest when the handler's flush returns. Loop thread.
     *
     * @param to the peer
     */
    public void commit(InetSocketAddress to) {
        out.commit(socketFor(to), to);
    }

    /**
     * Copies {@code datagram} (position..limit, not consumed) into the next slot and queues it. Loop thread.
     *
     * @param to       the peer
     * @param datagram at most the largest datagram size
     */
    public void send(InetSocketAddress to, ByteBuffer datagram) {
        out.send(socketFor(to), to, datagram);
    }

    /**
     * Sends one datagram at once, from any thread, through the peer's own socket or the listener.
     *
     * @param to       the peer
     * @param datagram position..limit; the position advances
     * @return the bytes sent; 0 when the socket's buffer was full
     * @throws IOException as {@link UdpSocket#sendTo}
     */
    public int sendNow(InetSocketAddress to, ByteBuffer datagram) throws IOException {
        int n = socketFor(to).sendTo(datagram, to);
        if (n > 0) {
            counters.sent(n);
        } else {
            counters.sendDrops.increment();
        }
        return n;
    }

    private UdpSocket socketFor(InetSocketAddress to) {
        UdpSocket s = own.isEmpty() ? null : own.get(to);
        return s != null ? s : listener;
    }

    /** Sends what is queued. Loop thread. */
    public void flushOut() {
        out.flush();
    }

    @Override
    public long flush(long now) {
        long deadline = handler.flush(now);
        flushOut();
        return deadline;
    }

    @Override
    public void stopped() {
        try {
            handler.stopped();
        } finally {
            own.values().forEach(s -> {
                s.close();
                server.releaseConnectedSocket();
            });
            own.clear();
            listener.close();
        }
    }

    /** @return datagrams lost at this group's sockets (kernel queue overflows where counted, strays) */
    long socketDrops() {
        long d = listener.drops();
        for (UdpSocket s : own.values()) {
            d += s.drops();
        }
        return d;
    }
}
