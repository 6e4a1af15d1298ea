package io.udpnet.messaging;

import io.udpnet.internal.Sockets;
import io.udpnet.ConnectionConfig;
import io.udpnet.engine.ClientEndpoint;
import io.udpnet.engine.Connection;
import io.udpnet.engine.DisconnectCode;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The I/O thread of a {@link MessageClient}: a {@link ClientEndpoint} with every connection's engine, and one
 * connected socket per connection.
 */
final class ClientDriver implements IoLoop.Driver, MessageConnection.Owner {
    private static final System.Logger LOG = System.getLogger("io.udpnet.messaging");
    private static final int READ_BATCH = 64;

    private final IoLoop loop;
    private final ConnectionConfig config;
    private final ClientEndpoint endpoint = new ClientEndpoint(new SecureRandom());
    private final Map<MessageConnection, DatagramChannel> sockets = new HashMap<>();
    private final Housekeeping housekeeping = new Housekeeping();
    /** Sockets of connections that just ended, closed after the flush that sent their last goodbye. */
    private final Map<MessageConnection, DatagramChannel> retired = new HashMap<>();
    private final ByteBuffer in;
    private final ByteBuffer out;
    /** Datagrams the kernel would not take (send buffer full): lost like any other, and sent again if reliable. */
    private final LongAdder sendDrops = new LongAdder();
    private volatile int connections;

    ClientDriver(IoLoop loop, ConnectionConfig config) {
        this.loop = loop;
        this.config = config;
        this.in = ByteBuffer.allocate(config.maxDatagramSize() + 1);
        this.out = ByteBuffer.allocate(config.maxDatagramSize());
    }

    int connectionCount() {
        return connections;
    }

    /** Starts {@code c}'s handshake on a new socket connected to {@code server}. I/O thread. */
    void start(MessageConnection c, InetSocketAddress server, InetSocketAddress local, ByteBuffer payload) {
        Connection engine = endpoint.connect(config, payload, c.events(), System.nanoTime());
        c.engine(engine);
        connections++;
        try {
            sockets.put(c, open(c, server, local));
        } catch (IOException | RuntimeException e) {
            engine.abort(DisconnectCode.UNREACHABLE, "no socket: " + e.getMessage());
            return;
        }
        if (c.state() == MessageConnection.State.CLOSING) {
            engine.close("closed while connecting");
        }
    }

    private DatagramChannel open(MessageConnection c, InetSocketAddress server, InetSocketAddress local)
            throws IOException {
        DatagramChannel ch = Sockets.open(MessageClient.SOCKET_BUFFER_BYTES, MessageClient.SOCKET_BUFFER_BYTES,
                false, false);
        try {
            ch.configureBlocking(false);
            ch.bind(local);
            ch.connect(server);
            ch.register(loop.selector(), SelectionKey.OP_READ, c);
            return ch;
        } catch (IOException | RuntimeException e) {
            Sockets.closeQuietly(ch);
            throw e;
        }
    }

    /** Moves {@code c} to a new local port. I/O thread. */
    void rebind(MessageConnection c) {
        DatagramChannel old = sockets.get(c);
        if (old == null) {
            return;
        }
        try {
            InetSocketAddress local = (InetSocketAddress) old.getLocalAddress();
            DatagramChannel fresh = open(c, c.remoteAddress(), new InetSocketAddress(local.getAddress(), 0));
            sockets.put(c, fresh);
            Sockets.closeQuietly(old);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "rebind failed for " + c, e);
        }
    }

    @Override
    public void readable(SelectionKey key) {
        MessageConnection c = (MessageConnection) key.attachment();
        DatagramChannel ch = (DatagramChannel) key.channel();
        for (int i = 0; i < READ_BATCH; i++) {
            in.clear();
            int n;
            try {
                n = ch.read(in);
            } catch (PortUnreachableException e) {
                c.engine().peerUnreachable(System.nanoTime());
                return;
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "read failed for " + c, e);
                return;
            }
            if (n <= 0) {
                return;
            }
            in.flip();
            if (n > config.maxDatagramSize()) {
                continue;
            }
            c.engine().pauseReceiving(c.inboxFull());
            endpoint.handleDatagram(c.engine(), in, System.nanoTime());
        }
    }

    @Override
    public long flush(long now) {
        long recheck = housekeeping.run(now);
        Connection engine;
        while ((engine = endpoint.pollTransmit(out, now)) != null) {
            MessageConnection c = (MessageConnection) engine.attachment();
            DatagramChannel ch = sockets.get(c);
            if (ch == null) {
                ch = retired.get(c);
            }
            try {
                if (ch != null && ch.write(out) == 0) {
                    sendDrops.increment();
                }
            } catch (PortUnreachableException e) {
                engine.peerUnreachable(now);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "send failed for " + c, e);
            }
        }
        if (!retired.isEmpty()) {
            retired.values().forEach(Sockets::closeQuietly);
            retired.clear();
        }
        return Math.min(recheck, endpoint.nextDeadline());
    }

    long sendDrops() {
        return sendDrops.sum();
    }

    @Override
    public void established(MessageConnection c) {
    }

    @Override
    public void closed(MessageConnection c) {
        DatagramChannel ch = sockets.remove(c);
        if (ch != null) {
            // The goodbye that ended the connection may still be in the output buffer: close after this flush.
            retired.put(c, ch);
        }
        connections--;
    }

    @Override
    public void addressChanged(MessageConnection c, InetSocketAddress previous) {
    }

    @Override
    public void stalled(MessageConnection c) {
        housekeeping.stalled(c);
    }

    @Override
    public void lingering(MessageConnection c) {
        housekeeping.lingering(c);
    }

    /** Closes every connection, sends their goodbyes and stops the loop. I/O thread. */
    void shutdown() {
        for (MessageConnection c : List.copyOf(sockets.keySet())) {
            c.engine().close(DisconnectCode.APPLICATION, "client closed");
        }
        flush(System.nanoTime());
        loop.stop();
    }

    @Override
    public void stopped() {
        for (MessageConnection c : List.copyOf(sockets.keySet())) {
            c.terminate("the client's I/O thread stopped");
        }
        sockets.values().forEach(Sockets::closeQuietly);
        sockets.clear();
    }
}
