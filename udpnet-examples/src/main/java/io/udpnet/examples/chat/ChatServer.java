package io.udpnet.examples.chat;

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

/**
 * A chat room. A client's first message is its name; every later one goes to everybody as {@code name: text}, and
 * joins and departures as {@code * name joined} / {@code * name left}. Event-driven: the server's
 * {@link MessageConnectionListener} runs on its I/O thread, so it never blocks: it uses {@code trySend}, and a client
 * whose window stays full (it does not read) is closed rather than letting the room wait for it.
 *
 * <p>Run: {@code ChatServer [--bind HOST:PORT] [--seconds N]} (default 127.0.0.1:7001, until interrupted).
 */
public final class ChatServer implements AutoCloseable {
    /** One reliable-ordered channel: chat lines arrive whole, once, in order. Client and server must agree. */
    public static final ConnectionConfig CONFIG = ConnectionConfig.builder()
            .channels(Delivery.RELIABLE_ORDERED).build();

    private final Map<MessageConnection, String> members = new ConcurrentHashMap<>();
    private final PrintStream log;
    private final MessageServer server;

    private ChatServer(InetSocketAddress bind, PrintStream log) throws IOException {
        this.log = log;
        this.server = MessageServer.open(MessageServerConfig.builder().bindAddress(bind).connection(CONFIG)
                .listener(new Room()).build());
    }

    /**
     * Opens a chat server.
     *
     * @param bind where to listen (port 0: any free port)
     * @param log  where joins and departures are reported
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public static ChatServer start(InetSocketAddress bind, PrintStream log) throws IOException {
        return new ChatServer(bind, log);
    }

    /**
     * Returns the address the server listens on.
     *
     * @return the address the server listens on
     */
    public InetSocketAddress address() {
        return server.localAddress();
    }

    /**
     * Returns members who have said their name.
     *
     * @return members who have said their name
     */
    public int members() {
        return members.size();
    }

    /** Closes every connection and stops the server. */
    @Override
    public void close() {
        server.close();
    }

    private void broadcast(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        for (MessageConnection c : members.keySet()) {
            try {
                if (!c.trySend(0, bytes)) {
                    c.close("not reading fast enough");
                }
            } catch (IOException closed) {
                // left meanwhile; onClosed removes it
            }
        }
    }

    /** The room's events, on the server's I/O thread. */
    private final class Room implements MessageConnectionListener {
        @Override
        public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
            String text = StandardCharsets.UTF_8.decode(message).toString();
            String name = members.get(c);
            if (name == null) {
                String chosen = text.isBlank() ? Args.text(c.remoteAddress()) : text.strip();
                members.put(c, chosen);
                log.println("* " + chosen + " joined from " + Args.text(c.remoteAddress()));
                broadcast("* " + chosen + " joined");
            } else {
                broadcast(name + ": " + text);
            }
        }

        @Override
        public void onClosed(MessageConnection c, DisconnectReason reason) {
            String name = members.remove(c);
            if (name != null) {
                log.println("* " + name + " left (" + reason + ")");
                broadcast("* " + name + " left");
            }
        }
    }

    /**
     * Runs a chat server.
     *
     * @param args {@code [--bind HOST:PORT] [--seconds N]}
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        InetSocketAddress bind;
        double seconds;
        try {
            Args a = Args.parse(args, "bind", "seconds");
            bind = Args.address("--bind", a.text("bind", "127.0.0.1:7001"));
            seconds = a.seconds("seconds", 0);
        } catch (IllegalArgumentException e) {
            System.err.println("ChatServer: " + e.getMessage()
                    + "\nusage: ChatServer [--bind HOST:PORT] [--seconds N]");
            System.exit(2);
            return;
        }
        try (ChatServer s = start(bind, System.out)) {
            System.out.println("chat server on " + Args.text(s.address())
                    + (seconds > 0 ? " for " + seconds + " s" : ""));
            if (seconds > 0) {
                Thread.sleep((long) (seconds * 1000));
            } else {
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }
}
