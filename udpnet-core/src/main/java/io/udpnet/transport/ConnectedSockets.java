package io.udpnet.transport;

import io.udpnet.internal.Sockets;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives CONNECTED-mode sessions their own connected socket on the listener's port, and reads each one on a virtual
 * thread.
 *
 * <p>Hand-off without loss. Measured on Linux: the kernel's lookup for an unconnected datagram prefers, among
 * equally good sockets, the one found first in the port's hash chain; sockets without {@code SO_REUSEPORT} are
 * inserted at the head of that chain, AF_INET6 sockets with {@code SO_REUSEPORT} at its tail. So the listener sets
 * only {@code SO_REUSEADDR} (head) and every per-peer socket sets {@code SO_REUSEADDR} and {@code SO_REUSEPORT}
 * (tail; both sides share {@code SO_REUSEADDR}, so the bind is allowed): a per-peer socket between bind() and
 * connect() then received no foreign datagram at all in 200 hand-offs under load, where setting the same options on
 * both sides let it catch tens of thousands. Where that ordering does not hold (an AF_INET-only stack, other
 * kernels), the new socket is still drained by hand before connect(), because the JDK's connect() silently discards
 * whatever the socket already holds; drained datagrams are routed like any other.
 *
 * <p>The cap: beyond {@link UdpServerConfig#maxConnectedSockets()}, new peers still get a session, served through
 * the listener as in SHARED mode (no ICMP reporting for them), because kernel routing cost grows with every
 * connected socket on the port.
 */
final class ConnectedSockets {
    private static final System.Logger LOG = System.getLogger("io.udpnet.transport");
    /** Bound on foreign datagrams held while a hand-off is in progress; the excess is dropped and counted. */
    private static final int MAX_STRAYS = 1024;

    private final Dispatcher dispatcher;
    private final UdpServerConfig config;
    private final boolean reusePort;
    /** Datagrams of peers not yet admitted, found while draining. Only the listener's thread touches these two. */
    private final ArrayDeque<Stray> pending = new ArrayDeque<>();
    private boolean handingOff;

    ConnectedSockets(Dispatcher dispatcher, UdpServerConfig config, boolean reusePort) {
        this.dispatcher = dispatcher;
        this.config = config;
        this.reusePort = reusePort;
    }

    /**
     * Called on the listener's thread right after {@code session} was created from a datagram on {@code listener}.
     * On any failure the session simply stays on the listener.
     */
    void attach(DatagramSession session, DatagramChannel listener) {
        if (!session.isOpen() || !reserve()) {
            return;
        }
        DatagramChannel ch = null;
        List<Stray> strays = new ArrayList<>();
        boolean attached = false;
        try {
            SocketAddress local = listener.getLocalAddress();
            ch = Sockets.open(config.receiveBufferSize(), config.sendBufferSize(), true, reusePort);
            ch.bind(local);
            ch.configureBlocking(false);
            drain(ch, session, strays);
            ch.connect(session.remoteAddress());
            ch.configureBlocking(true);
            DatagramChannel own = ch;
            Thread reader = Thread.ofVirtual().name("udpnet-peer-" + session.remoteAddress())
                    .unstarted(() -> read(own, session));
            attached = session.attachChannel(ch, reader);
            if (attached) {
                reader.start();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "no connected socket for " + session.remoteAddress()
                    + "; served through the listener", e);
        } finally {
            if (!attached) {
                Sockets.closeQuietly(ch);
                dispatcher.counters().connectedSockets.decrementAndGet();
            }
        }
        // New peers found while draining are admitted only after this hand-off. Admitting one starts another
        // hand-off, which may find more: the outermost call works through them in a loop, not by recursion.
        pending.addAll(strays);
        if (handingOff) {
            return;
        }
        handingOff = true;
        try {
            Stray s;
            while ((s = pending.pollFirst()) != null) {
                try {
                    dispatcher.dispatch(s.from(), ByteBuffer.wrap(s.data()), listener);
                } catch (RuntimeException e) {
                    dispatcher.counters().drop(DropCause.ERROR);
                    LOG.log(Level.WARNING, "failed to route a datagram from " + s.from(), e);
                }
            }
        } finally {
            handingOff = false;
        }
    }

    private boolean reserve() {
        while (true) {
            int n = dispatcher.counters().connectedSockets.get();
            if (n >= config.maxConnectedSockets()) {
                return false;
            }
            if (dispatcher.counters().connectedSockets.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Empties the not-yet-connected socket, routing what it caught: the peer's own, known peers', new peers'. */
    private void drain(DatagramChannel ch, DatagramSession session, List<Stray> strays) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(config.maxDatagramSize() + 1);
        while (true) {
            buf.clear();
            InetSocketAddress from = (InetSocketAddress) ch.receive(buf);
            if (from == null) {
                return;
            }
            buf.flip();
            dispatcher.counters().received(buf.remaining());
            if (buf.remaining() > config.maxDatagramSize()) {
                dispatcher.counters().drop(DropCause.OVERSIZE);
            } else if (from.equals(session.remoteAddress())) {
                session.deliver(buf);
            } else if (!dispatcher.dispatchKnown(from, buf)) {
                if (strays.size() + pending.size() < MAX_STRAYS) {
                    byte[] copy = new byte[buf.remaining()];
                    buf.get(copy);
                    strays.add(new Stray(from, copy));
                } else {
                    dispatcher.counters().drop(DropCause.QUEUE_FULL);
                }
            }
        }
    }

    /** The reading loop of one connected socket; ends when the socket closes or fails. */
    private void read(DatagramChannel ch, DatagramSession session) {
        ByteBuffer buf = ByteBuffer.allocateDirect(config.maxDatagramSize() + 1);
        while (true) {
            buf.clear();
            try {
                ch.read(buf);
            } catch (PortUnreachableException e) {
                session.fail(CloseReason.PORT_UNREACHABLE, e);
                return;
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (ch.isOpen()) {
                    LOG.log(Level.DEBUG, "connected socket of " + session.remoteAddress() + " failed", e);
                    session.fail(CloseReason.IO_ERROR, e);
                }
                return;
            }
            buf.flip();
            dispatcher.counters().received(buf.remaining());
            if (buf.remaining() > config.maxDatagramSize()) {
                dispatcher.counters().drop(DropCause.OVERSIZE);
            } else {
                session.deliver(buf);
            }
        }
    }

    private record Stray(InetSocketAddress from, byte[] data) {
    }
}
