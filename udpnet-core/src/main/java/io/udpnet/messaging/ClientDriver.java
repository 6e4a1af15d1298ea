package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.dtls.DtlsPeer;
import io.udpnet.engine.ClientEndpoint;
import io.udpnet.engine.Connection;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.io.DatagramBatch;
import io.udpnet.io.IoLoop;
import io.udpnet.io.PathError;
import io.udpnet.io.SocketOptions;
import io.udpnet.io.Transmitter;
import io.udpnet.io.UdpSocket;
import io.udpnet.jfr.UdpnetEvents;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The I/O thread of a {@link MessageClient}: a {@link ClientEndpoint} with every connection's engine, and one
 * socket per connection, connected to its server, read and written in batches.
 *
 * <p>The socket of a connect attempt that timed out is kept for a while as a spare, and the next attempt to the same
 * server uses it: the retry comes from the same address, so a server that accepted the first attempt (its ACCEPT
 * lost, or late) recognises the client and replaces that half-open connection instead of holding one more.
 */
final class ClientDriver implements IoLoop.Driver, ConnectionDriver.Owner, PathError.Handler {
    private static final System.Logger LOG = System.getLogger("io.udpnet.messaging");
    private static final int BATCH = 64;
    private static final int READ_ROUNDS = 4;
    /** Spare sockets kept at most, and for how long: long enough for an application's retry after a time-out. */
    private static final int MAX_SPARES = 64;
    private static final long SPARE_NANOS = 60_000_000_000L;

    private final IoLoop loop;
    private final ConnectionConfig config;
    private final MessageClientConfig clientConfig;
    private final ClientEndpoint endpoint = new ClientEndpoint(new SecureRandom());
    private final Housekeeping housekeeping = new Housekeeping();
    private final DrainQueue drains;
    /** Sockets of connections that just ended, closed after the flush that sent their last goodbye. */
    private final Map<ConnectionDriver, UdpSocket> retired = new HashMap<>();
    /** Each connection's socket, with what it is registered with (one map entry per connection). */
    private final Map<ConnectionDriver, Port> ports = new HashMap<>();
    /** Sockets of attempts that timed out, by server, oldest first. */
    private final Map<InetSocketAddress, Spare> spares = new java.util.LinkedHashMap<>();
    private long sparesCheckedAt;
    /** Every datagram up to the protocol's largest is accepted: the server's path MTU discovery may go that far. */
    private final int largest;
    private final DatagramBatch in;
    private final Transmitter out;
    /** The connection whose errors the current receive or send reports. */
    private ConnectionDriver current;
    /** Datagrams the kernel would not take (send buffer full): lost like any other, and sent again if reliable. */
    private final LongAdder sendDrops = new LongAdder();
    /** Connections that received or sent this turn, observed at its end while path events are recorded. */
    private final List<ConnectionDriver> watched = new ArrayList<>();
    private volatile int connections;
    /** Each connection's DTLS association when the client is secure; null when plain. */
    private final SecureLinks links;
    /** The engine writes a secure connection's datagrams here; they leave as records. Null when plain. */
    private final ByteBuffer plain;

    ClientDriver(IoLoop loop, ConnectionConfig config, MessageClientConfig clientConfig) {
        this.loop = loop;
        this.config = config;
        this.clientConfig = clientConfig;
        this.drains = new DrainQueue(loop);
        boolean secure = clientConfig.dtls() != null;
        int overhead = secure ? DtlsPeer.RECORD_OVERHEAD : 0;
        this.plain = secure ? ByteBuffer.allocate(config.maxDatagramSize()) : null;
        this.largest = config.largestAcceptedDatagram() + overhead;
        this.in = new DatagramBatch(BATCH, largest + 1);
        this.out = new Transmitter(BATCH, config.maxDatagramSize() + overhead, this, new Transmitter.Outcome() {
            @Override
            public void sent(int datagrams, long bytes) {
            }

            @Override
            public void dropped(int datagrams) {
                sendDrops.add(datagrams);
            }

            @Override
            public void failed(UdpSocket socket, IOException error) {
                LOG.log(Level.DEBUG, "send failed on " + socket, error);
            }
        });
        this.links = secure ? new SecureLinks(clientConfig.dtls(), config, endpoint, out) : null;
    }

    int connectionCount() {
        return connections;
    }

    /** Starts {@code c}'s handshake on a new socket connected to {@code server}. I/O thread. */
    void start(ConnectionDriver c, InetSocketAddress server, InetSocketAddress local, ByteBuffer payload) {
        Connection engine = endpoint.connect(config, payload, c.events(), System.nanoTime());
        c.engine(engine);
        connections++;
        Spare spare = spares.remove(server);
        if (spare != null && System.nanoTime() - spare.since < SPARE_NANOS) {
            spare.port.owner = c;
            ports.put(c, spare.port);
            secure(c, server, spare.socket);
            return;
        } else if (spare != null) {
            spare.socket.close();
        }
        try {
            open(c, server, local);
        } catch (IOException | RuntimeException e) {
            engine.abort(DisconnectCode.UNREACHABLE, "no socket: " + e.getMessage());
            return;
        }
        secure(c, server, socketOf(c));
        if (c.connection().state() == MessageConnection.State.CLOSING) {
            engine.close("closed while connecting");
        }
    }

    /** A secure client starts the DTLS handshake; the engine's REQUEST waits for its end (SecureLink). */
    private void secure(ConnectionDriver c, InetSocketAddress server, UdpSocket socket) {
        if (links != null) {
            current = c;
            links.start(c, server, socket);
        }
    }

    private UdpSocket open(ConnectionDriver c, InetSocketAddress server, InetSocketAddress local) throws IOException {
        UdpSocket s = loop.io().open(SocketOptions.buffers(clientConfig.socketBufferBytes()));
        try {
            s.bind(local);
            // A socket this new holds nothing from its server yet; anything else it caught is not for it.
            in.clear();
            s.connect(server, in);
            in.clear();
            Port port = new Port(c, s);
            loop.register(s, port);
            ports.put(c, port);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Moves {@code c} to a new local port. I/O thread. */
    void rebind(ConnectionDriver c) {
        UdpSocket old = socketOf(c);
        if (old == null) {
            return;
        }
        try {
            InetSocketAddress local = old.localAddress();
            open(c, c.remoteAddress(), new InetSocketAddress(local.getAddress(), 0));
            SecureLink link = links == null ? null : links.get(c);
            if (link != null) {
                // DTLS 1.2 without a connection id is bound to the address: the server will not know the new one.
                link.socket(socketOf(c));
            }
            if (old == out.socket()) {
                out.flush();
            }
            old.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "rebind failed for " + c, e);
        }
    }

    @Override
    public void readable(Object attachment) {
        Port port = (Port) attachment;
        ConnectionDriver c = port.owner;
        if (c == null) {
            drainSpare(port);
            return;
        }
        UdpSocket s = socketOf(c);
        if (s == null) {
            return;
        }
        current = c;
        try {
            for (int round = 0; round < READ_ROUNDS; round++) {
                in.clear();
                try {
                    s.receive(in, this);
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "read failed for " + c, e);
                    return;
                }
                long now = System.nanoTime();
                for (int i = 0; i < in.count(); i++) {
                    if (in.length(i) > largest || !in.peer(i).equals(c.remoteAddress())) {
                        continue;
                    }
                    c.engine().pauseReceiving(c.inboxFull());
                    SecureLink link = links == null ? null : links.get(c);
                    if (link != null) {
                        link.receive(in.datagram(i), now);
                    } else {
                        endpoint.handleDatagram(c.engine(), in.datagram(i), now);
                    }
                    watch(c);
                }
                if (!in.isFull()) {
                    return;
                }
                if (round + 1 < READ_ROUNDS) {
                    // Acks for this batch leave before the next is read: one ack covers 65 datagrams at most.
                    flush(System.nanoTime());
                    current = c;
                }
            }
        } finally {
            in.clear();
        }
    }

    /** A spare's socket may still receive its old attempt's answers: read and drop them. */
    private void drainSpare(Port port) {
        for (Spare spare : spares.values()) {
            if (spare.port == port) {
                try {
                    do {
                        in.clear();
                        spare.socket.receive(in, error -> { });
                    } while (in.isFull());
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "read failed on a spare socket", e);
                } finally {
                    in.clear();
                }
                return;
            }
        }
    }

    @Override
    public void onPathError(PathError error) {
        ConnectionDriver c = current;
        if (c == null) {
            return;
        }
        if (plain != null && error.mtu() > 0) {
            // The path's limit is the record's; udpnet's datagram inside it is the overhead smaller.
            error = new PathError(error.peer(), error.kind(), Math.max(1, error.mtu() - DtlsPeer.RECORD_OVERHEAD));
        }
        if (error.kind() == PathError.Kind.PORT_UNREACHABLE || error.kind() == PathError.Kind.HOST_UNREACHABLE) {
            c.engine().peerUnreachable(System.nanoTime());
        } else if (error.largestDatagram() > 0) {
            c.engine().pathTooBig(error.largestDatagram(), System.nanoTime());
            watch(c);
        }
    }

    @Override
    public long flush(long now) {
        drains.run();
        long recheck = housekeeping.run(now);
        long dtlsDeadline = links == null ? Long.MAX_VALUE : links.timers(now, c -> current = c);
        Connection engine;
        while ((engine = endpoint.pollTransmit(plain != null ? plain.clear() : out.slot(), now)) != null) {
            ConnectionDriver c = (ConnectionDriver) engine.attachment();
            UdpSocket s = socketOf(c);
            if (s == null) {
                s = retired.get(c);
            }
            if (s == null) {
                continue;
            }
            if (out.socket() == null || out.socket() == s) {
                current = c;
            }
            SecureLink link = links != null ? links.get(c) : null;
            if (link != null) {
                current = c;
                link.send(plain);
                watch(c);
                continue;
            } else if (plain != null) {
                continue;   // a secure connection whose association is gone: nothing can reach its server
            }
            // When the socket changes, commit sends the previous connection's run first: its errors are reported
            // while current is still that connection.
            out.commit(s, c.remoteAddress());
            current = c;
            watch(c);
        }
        out.flush();
        for (int i = 0; i < watched.size(); i++) {
            watched.get(i).observe();
        }
        watched.clear();
        if (!spares.isEmpty() && now - sparesCheckedAt > 1_000_000_000L) {
            sparesCheckedAt = now;
            spares.values().removeIf(spare -> {
                boolean stale = now - spare.since >= SPARE_NANOS;
                if (stale) {
                    spare.socket.close();
                }
                return stale;
            });
        }
        if (!retired.isEmpty()) {
            retired.values().forEach(UdpSocket::close);
            retired.clear();
        }
        return Math.min(Math.min(recheck, endpoint.nextDeadline()), dtlsDeadline);
    }

    /** Puts a connection on this turn's list for the path events, while they are recorded. */
    private void watch(ConnectionDriver c) {
        if (UdpnetEvents.watchingPaths() && c.watch()) {
            watched.add(c);
        }
    }

    long sendDrops() {
        return sendDrops.sum();
    }

    @Override
    public IoLoop loop() {
        return loop;
    }

    @Override
    public ConnectionConfig config() {
        return config;
    }

    @Override
    public void established(ConnectionDriver c) {
    }

    @Override
    public void closed(ConnectionDriver c) {
        if (links != null) {
            links.closed(c);   // close_notify after the last datagrams, before the socket closes
        }
        Port port = ports.remove(c);
        UdpSocket s = port == null ? null : port.socket;
        if (s != null && port != null && c.engine() != null && c.engine().disconnectReason() != null
                && c.engine().disconnectReason().code() == DisconnectCode.CONNECT_TIMED_OUT) {
            spare(c.remoteAddress(), s, port);
        } else if (s != null) {
            // The goodbye that ended the connection may still be in the output buffer: close after this flush.
            retired.put(c, s);
        }
        connections--;
    }

    /** Keeps the socket of an attempt that timed out for the next attempt to {@code server}. */
    private void spare(InetSocketAddress server, UdpSocket s, Port port) {
        port.owner = null;
        Spare previous = spares.remove(server);
        if (previous != null) {
            previous.socket.close();
        }
        if (spares.size() >= MAX_SPARES) {
            var eldest = spares.entrySet().iterator();
            eldest.next().getValue().socket.close();
            eldest.remove();
        }
        spares.put(server, new Spare(s, port, System.nanoTime()));
    }

    @Override
    public void addressChanged(ConnectionDriver c, InetSocketAddress previous) {
    }

    @Override
    public void stalled(ConnectionDriver c) {
        housekeeping.stalled(c);
    }

    @Override
    public void lingering(ConnectionDriver c) {
        housekeeping.lingering(c);
    }

    @Override
    public void requestDrain(ConnectionDriver c) {
        drains.request(c);
    }

    /** Closes every connection, sends their goodbyes and stops the loop. I/O thread. */
    void shutdown() {
        for (ConnectionDriver c : List.copyOf(ports.keySet())) {
            c.engine().close(DisconnectCode.APPLICATION, "client closed");
        }
        flush(System.nanoTime());
        loop.stop();
    }

    @Override
    public void stopped() {
        for (ConnectionDriver c : List.copyOf(ports.keySet())) {
            c.terminate("the client's I/O thread stopped");
        }
        if (links != null) {
            links.closeAll();
            out.flush();
        }
        ports.values().forEach(port -> port.socket.close());
        ports.clear();
        spares.values().forEach(spare -> spare.socket.close());
        spares.clear();
    }

    /** What a socket is registered with, so that a spare can pass to a new connection without registering again. */
    private static final class Port {
        /** The connection now using the socket; null while it is a spare. */
        ConnectionDriver owner;
        final UdpSocket socket;

        Port(ConnectionDriver owner, UdpSocket socket) {
            this.owner = owner;
            this.socket = socket;
        }
    }

    /** The socket of connection {@code c}, or null when it has none (it ended, or never got one). */
    private UdpSocket socketOf(ConnectionDriver c) {
        Port port = ports.get(c);
        return port == null ? null : port.socket;
    }

    private record Spare(UdpSocket socket, Port port, long since) {
    }
}
