package io.udpnet.examples.sync;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.engine.DisconnectReason;
import io.udpnet.examples.Args;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Game-style state sync. The server simulates one entity per player and ticks at 30 Hz; each tick it sends every
 * player a snapshot of the whole world on an unreliable-sequenced channel (a lost snapshot is not worth resending, the
 * next one supersedes it, and an older one arriving late is dropped by the channel), and game events (joins,
 * departures, a score each second) on a reliable-ordered channel, where none may be lost.
 *
 * <p>A snapshot: {@code int tick, short count}, then per entity {@code int id, float x, float y}. An event: UTF-8
 * text. Run: {@code GameServer [--bind HOST:PORT] [--seconds N]} (default 127.0.0.1:7002, until interrupted).
 */
public final class GameServer implements AutoCloseable {
    /** Channel 0: events, reliable-ordered. */
    public static final int EVENTS = 0;
    /** Channel 1: snapshots, unreliable-sequenced. */
    public static final int SNAPSHOTS = 1;
    /** Both ends use this configuration. */
    public static final ConnectionConfig CONFIG = ConnectionConfig.builder()
            .channels(Delivery.RELIABLE_ORDERED, Delivery.UNRELIABLE_SEQUENCED).build();
    /** Ticks per second. */
    public static final int TICK_HZ = 30;

    private final Map<MessageConnection, Integer> players = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final MessageServer server;
    private final ScheduledExecutorService ticker;
    private final PrintStream log;
    private int tick;
    private long snapshotsSkipped;

    private GameServer(InetSocketAddress bind, PrintStream log) throws IOException {
        this.log = log;
        this.server = MessageServer.open(MessageServerConfig.builder().bindAddress(bind).connection(CONFIG)
                .listener(new Lobby()).build());
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("game-tick").unstarted(r));
        ticker.scheduleAtFixedRate(this::tick, 0, 1_000_000_000L / TICK_HZ, TimeUnit.NANOSECONDS);
    }

    /**
     * Opens a game server; it ticks until closed.
     *
     * @param bind where to listen (port 0: any free port)
     * @param log  where joins and departures are reported
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public static GameServer start(InetSocketAddress bind, PrintStream log) throws IOException {
        return new GameServer(bind, log);
    }

    /**
     * Returns the address the server listens on.
     *
     * @return the address the server listens on
     */
    public InetSocketAddress address() {
        return server.localAddress();
    }

    /** Stops ticking and closes every connection. */
    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
    }

    /** One step of the world, on the ticker thread: move, then tell everybody. */
    private void tick() {
        tick++;
        ByteBuffer snapshot = ByteBuffer.allocate(6 + 12 * players.size() + 12 * 8);
        snapshot.putInt(tick).putShort((short) 0);
        short count = 0;
        for (int id : players.values()) {
            if (snapshot.remaining() < 12) {
                break;   // joined during this tick: in the next snapshot
            }
            double angle = (tick + id * 17) * 2 * Math.PI / (TICK_HZ * 4);   // each entity circles in 4 s
            snapshot.putInt(id).putFloat((float) (10 * Math.cos(angle))).putFloat((float) (10 * Math.sin(angle)));
            count++;
        }
        snapshot.putShort(4, count).flip();
        for (MessageConnection c : players.keySet()) {
            try {
                if (!c.trySend(SNAPSHOTS, snapshot.duplicate())) {
                    snapshotsSkipped++;   // window full: this player gets the next one
                }
            } catch (IOException gone) {
                // left meanwhile
            }
        }
        if (tick % TICK_HZ == 0) {
            for (Map.Entry<MessageConnection, Integer> e : players.entrySet()) {
                event(e.getKey(), "score " + e.getValue() + " " + tick / TICK_HZ);
            }
        }
    }

    private void broadcast(String text) {
        for (MessageConnection c : players.keySet()) {
            event(c, text);
        }
    }

    private static void event(MessageConnection c, String text) {
        try {
            if (!c.trySend(EVENTS, text.getBytes(StandardCharsets.UTF_8))) {
                c.close("events not read");   // reliable: a player who cannot take events cannot stay in sync
            }
        } catch (IOException gone) {
            // left meanwhile
        }
    }

    /** Players come and go, on the server's I/O thread. */
    private final class Lobby implements MessageConnectionListener {
        @Override
        public void onConnected(MessageConnection c) {
            int id = nextId.getAndIncrement();
            event(c, "welcome " + id);
            players.put(c, id);
            log.println("player " + id + " joined from " + Args.text(c.remoteAddress()));
            broadcast("join " + id);
        }

        @Override
        public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
            // Players only watch in this example; their inputs would arrive here.
        }

        @Override
        public void onClosed(MessageConnection c, DisconnectReason reason) {
            Integer id = players.remove(c);
            if (id != null) {
                log.println("player " + id + " left (" + reason + ")");
                broadcast("leave " + id);
            }
        }
    }

    /**
     * Runs a game server.
     *
     * @param args {@code [--bind HOST:PORT] [--seconds N]}
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        Args a;
        InetSocketAddress bind;
        double seconds;
        try {
            a = Args.parse(args, "bind", "seconds");
            bind = Args.address("--bind", a.text("bind", "127.0.0.1:7002"));
            seconds = a.seconds("seconds", 0);
        } catch (IllegalArgumentException e) {
            System.err.println("GameServer: " + e.getMessage()
                    + "\nusage: GameServer [--bind HOST:PORT] [--seconds N]");
            System.exit(2);
            return;
        }
        try (GameServer s = start(bind, System.out)) {
            System.out.println("game server on " + Args.text(s.address()) + ", " + TICK_HZ + " ticks/s");
            Thread.sleep(seconds > 0 ? (long) (seconds * 1000) : Long.MAX_VALUE);
        }
    }
}
