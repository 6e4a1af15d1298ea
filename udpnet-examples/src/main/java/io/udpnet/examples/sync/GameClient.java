package io.udpnet.examples.sync;

import io.udpnet.examples.Args;
import io.udpnet.messaging.ConnectionClosedException;
import io.udpnet.messaging.Message;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageConnection;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A player of {@link GameServer}: applies snapshots and events for a while, then reports what it saw. Snapshots come
 * on an unreliable-sequenced channel, so their ticks only ever go up (some may be missing); events come reliable and
 * in order.
 *
 * <p>Run: {@code GameClient [HOST:PORT] [--seconds N]} (default 127.0.0.1:7002 for 5 s).
 */
public final class GameClient {
    private GameClient() {
    }

    /**
     * What a player saw.
     *
     * @param playerId     the id the server gave this player (0 if no welcome came)
     * @param snapshots    snapshots received
     * @param firstTick    the tick of the first one (0 if none)
     * @param lastTick     the tick of the last one (0 if none)
     * @param backwards    snapshots older than one already applied (the channel's guarantee says: never)
     * @param sawSelf      whether a snapshot held this player's own entity
     * @param events       the events, in order
     */
    public record Outcome(int playerId, long snapshots, int firstTick, int lastTick, long backwards, boolean sawSelf,
                          List<String> events) {
        /**
         * Returns ticks between the first and the last snapshot that no snapshot carried (lost or superseded).
         *
         * @return ticks between the first and the last snapshot that no snapshot carried (lost or superseded)
         */
        public long missed() {
            return snapshots == 0 ? 0 : (long) lastTick - firstTick + 1 - snapshots;
        }
    }

    /**
     * Connects, then plays for {@code duration}.
     *
     * @param server   the game server
     * @param duration how long to watch
     * @return what was seen
     * @throws IOException when the server cannot be reached or goes away
     */
    public static Outcome play(InetSocketAddress server, Duration duration) throws IOException {
        int id = 0;
        long snapshots = 0;
        int first = 0;
        int last = 0;
        long backwards = 0;
        boolean sawSelf = false;
        List<String> events = new ArrayList<>();
        try (MessageClient client = MessageClient.open(GameServer.CONFIG);
             MessageConnection c = client.connect(server)) {
            long end = System.nanoTime() + duration.toNanos();   // watching starts once connected
            for (long left; (left = end - System.nanoTime()) > 0; ) {
                Message m = c.receive(Duration.ofNanos(left));
                if (m == null) {
                    break;
                }
                if (m.channel() == GameServer.EVENTS) {
                    String e = new String(m.data(), StandardCharsets.UTF_8);
                    events.add(e);
                    if (e.startsWith("welcome ")) {
                        id = Integer.parseInt(e.substring(8));
                    }
                    continue;
                }
                ByteBuffer b = ByteBuffer.wrap(m.data());
                int tick = b.getInt();
                if (snapshots > 0 && tick <= last) {
                    backwards++;
                    continue;
                }
                snapshots++;
                first = snapshots == 1 ? tick : first;
                last = tick;
                for (int n = b.getShort(); n > 0; n--) {
                    int entity = b.getInt();
                    b.getFloat();
                    b.getFloat();
                    sawSelf |= entity == id;
                }
            }
            c.close("done");
        } catch (ConnectionClosedException e) {
            throw new IOException("the server closed the connection: " + e.getMessage(), e);
        }
        return new Outcome(id, snapshots, first, last, backwards, sawSelf, List.copyOf(events));
    }

    /**
     * Plays and prints a summary.
     *
     * @param args {@code [HOST:PORT] [--seconds N]}
     * @param out  where the summary goes
     * @return 0 when snapshots arrived in order and the welcome came, 1 otherwise, 2 for bad arguments
     */
    public static int run(String[] args, PrintStream out) {
        InetSocketAddress server;
        double seconds;
        try {
            Args a = Args.parse(args, "seconds");
            server = Args.address("server", a.positional(0, "127.0.0.1:7002"));
            seconds = a.seconds("seconds", 5);
        } catch (IllegalArgumentException e) {
            out.println("GameClient: " + e.getMessage() + "\nusage: GameClient [HOST:PORT] [--seconds N]");
            return 2;
        }
        try {
            Outcome o = play(server, Duration.ofNanos((long) (seconds * 1e9)));
            out.println("player " + o.playerId() + ": " + o.snapshots() + " snapshots (ticks " + o.firstTick() + ".."
                    + o.lastTick() + ", " + o.missed() + " missed, " + o.backwards() + " out of order), "
                    + o.events().size() + " events: " + String.join(", ", o.events()));
            return o.playerId() > 0 && o.backwards() == 0 && o.snapshots() > 0 ? 0 : 1;
        } catch (IOException e) {
            out.println("GameClient: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Plays on standard output.
     *
     * @param args {@code [HOST:PORT] [--seconds N]}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }
}
