package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.DisconnectReason;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.IoLoop;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Connects to udpnet servers: each connection gets its own UDP socket, connected to its server (so the network's
 * "port unreachable" ends a connection attempt at once instead of after the time-out), and all of a client's
 * connections are driven by one I/O thread, which sleeps when there is nothing to do.
 *
 * <pre>{@code
 * try (MessageClient client = MessageClient.open(ConnectionConfig.defaults());
 *      MessageConnection c = client.connect(new InetSocketAddress("127.0.0.1", 7000))) {
 *     c.send(0, "hello".getBytes(UTF_8));
 *     Message reply = c.receive(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Closing the client closes its connections (their servers are told) and stops its thread.
 */
public final class MessageClient implements AutoCloseable {
    private static final long JOIN_MILLIS = 5_000;
    private static final long CONNECT_MARGIN_NANOS = 5_000_000_000L;

    private final ConnectionConfig config;
    private final MessageClientConfig clientConfig;
    private final IoLoop loop;
    private final ClientDriver driver;
    private final Object closeLock = new Object();
    private volatile boolean closed;

    private MessageClient(MessageClientConfig clientConfig) throws IOException {
        this.clientConfig = clientConfig;
        this.config = clientConfig.connection();
        DatagramIo io = clientConfig.io() != null ? clientConfig.io() : DatagramIo.defaultIo();
        this.loop = new IoLoop(io, "udpnet-client");
        this.driver = new ClientDriver(loop, config, clientConfig);
        loop.start(driver);
    }

    /** Starts a client whose connections use {@code config} (the server's channels and limits must match). */
    public static MessageClient open(ConnectionConfig config) throws IOException {
        return open(MessageClientConfig.builder().connection(Objects.requireNonNull(config, "config")).build());
    }

    /** Starts a client with its own settings: bind address, socket buffers, inbox size, I/O implementation. */
    public static MessageClient open(MessageClientConfig config) throws IOException {
        return new MessageClient(Objects.requireNonNull(config, "config"));
    }

    /** The I/O implementation the client's sockets use: {@code nio} or {@code native-linux}. */
    public String io() {
        return loop.io().name();
    }

    /** Connects to {@code server} with no payload; messages go to {@link MessageConnection#receive}. */
    public MessageConnection connect(InetSocketAddress server) throws IOException {
        return connect(server, ByteBuffer.allocate(0), null);
    }

    /**
     * Connects to {@code server}, waiting for the handshake (at most the configured connect time-out).
     *
     * @param payload  up to 1152 bytes the server's admission check sees (position..limit; copied)
     * @param listener where messages go, or null for {@link MessageConnection#receive}
     * @throws ConnectFailedException when the server refuses, does not answer in time, or is unreachable
     * @throws ClosedChannelException when the client is closed
     */
    public MessageConnection connect(InetSocketAddress server, ByteBuffer payload, MessageConnectionListener listener)
            throws IOException {
        CompletableFuture<MessageConnection> f = connectAsync(server, payload, listener);
        try {
            // The engine times the handshake out itself; the margin only matters if this client is closed meanwhile.
            return f.get(config.connectTimeoutNanos() + CONNECT_MARGIN_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.thenAccept(c -> c.close("connect interrupted"));
            throw new InterruptedIOException("interrupted while connecting");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            f.thenAccept(c -> c.close("connect abandoned"));
            throw new ConnectFailedException(server, new DisconnectReason(DisconnectCode.CONNECT_TIMED_OUT,
                    "no answer from the client's I/O thread", false));
        }
    }

    /**
     * Starts connecting to {@code server} and returns at once, for code that does not block.
     *
     * @param payload  up to 1152 bytes the server's admission check sees (position..limit; copied now)
     * @param listener where messages go, or null for {@link MessageConnection#receive}
     * @return completes with the open connection, or exceptionally with a {@link ConnectFailedException} (refused,
     *         timed out, unreachable, or the client closed meanwhile)
     * @throws ClosedChannelException when the client is closed
     */
    public CompletableFuture<MessageConnection> connectAsync(InetSocketAddress server, ByteBuffer payload,
                                                             MessageConnectionListener listener) throws ClosedChannelException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(payload, "payload");
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + server);
        }
        if (payload.remaining() > 1152) {
            throw new IllegalArgumentException("connect payload of " + payload.remaining() + " bytes; 1152 at most");
        }
        if (closed) {
            throw new ClosedChannelException();
        }
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
        ConnectionDriver c = new ConnectionDriver(driver, listener, clientConfig.inboxBytes(), null, server,
                MessageConnection.State.CONNECTING);
        // Taken before the I/O thread can complete it (the connection lets go of it then).
        CompletableFuture<MessageConnection> opened = c.connection().openedFuture();
        loop.execute(() -> driver.start(c, server, localFor(server), copy));
        return opened.thenCompose(m -> {
            if (m.state() == MessageConnection.State.OPEN || m.state() == MessageConnection.State.CLOSING) {
                return CompletableFuture.completedFuture(m);
            }
            DisconnectReason reason = m.disconnectReason();
            return CompletableFuture.failedFuture(new ConnectFailedException(server, reason != null ? reason
                    : new DisconnectReason(DisconnectCode.CONNECT_TIMED_OUT, "the client closed while connecting",
                    false)));
        });
    }

    /** Clients bind to the loopback address to reach a loopback server, else to the wildcard of its family. */
    private InetSocketAddress localFor(InetSocketAddress server) {
        if (clientConfig.bindAddress() != null) {
            return new InetSocketAddress(clientConfig.bindAddress(), 0);
        }
        InetAddress a = server.getAddress();
        return a.isLoopbackAddress() ? new InetSocketAddress(a, 0) : new InetSocketAddress(0);
    }

    /**
     * Moves {@code connection} to a new local socket (a new port), as a NAT rebinding would: the server sees its
     * datagrams come from a new address, validates it and follows. For testing how servers handle moving clients.
     */
    void rebind(MessageConnection connection) {
        loop.execute(() -> driver.rebind(connection.driver()));
    }

    /** Connections open or being opened. */
    public int connectionCount() {
        return driver.connectionCount();
    }

    /**
     * The client's counters: connections, and datagrams dropped because a connection's socket send buffer was full
     * (the kernel took nothing; reliable messages in them are sent again like after any loss).
     */
    public MessageClientStats stats() {
        return new MessageClientStats(loop.io().name(), driver.connectionCount(), driver.sendDrops());
    }

    /** Closes every connection (each server is told) and stops the I/O thread. Idempotent. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        loop.execute(driver::shutdown);
        try {
            loop.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
