package io.udpnet.cli;

import io.udpnet.engine.DisconnectReason;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageListener;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;
import io.udpnet.transport.DatagramSession;
import io.udpnet.io.ServerMode;
import io.udpnet.transport.SessionHandler;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code udpnet server}: a chat/echo server on udpnet connections, or a raw datagram echo server. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs a chat/echo server with the default connection configuration: channel 0 "
                + "reliable-ordered, 1 reliable-unordered, 2 unreliable-sequenced, 3 unreliable. Every message a "
                + "client sends, on any channel, goes to every connected client (the sender too) on channel 0 as "
                + "'HOST:PORT: ' (the sender's address) followed by the message; connections and disconnections "
                + "are printed.",
                "With --raw: a plain datagram echo server on the raw level (each peer's datagrams are echoed back "
                        + "by its session), for testing UDP reachability with any tool (e.g. socat, nc -u).",
                "Runs until interrupted (Ctrl-C), which closes every connection with a goodbye.",
                "Exit status: 0 after a clean stop, 1 when the port cannot be bound, 2 for bad arguments."})
final class ServerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7000",
            description = "address to listen on (default: ${DEFAULT-VALUE}); [::1]:PORT for IPv6")
    String bind;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "shared",
            description = "shared, sharded or connected: how sockets and threads are laid out (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "0",
            description = "sockets and I/O threads in sharded mode; 0 = available processors")
    int shards;

    @Option(names = "--raw", description = "echo raw datagrams instead of serving udpnet connections")
    boolean raw;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
            description = "stop after this many seconds; 0 = run until interrupted")
    double duration;

    private PrintWriter out;

    @Override
    public Integer call() {
        InetSocketAddress address;
        ServerMode serverMode;
        try {
            address = Addresses.parse("--bind", bind);
            serverMode = parseMode(mode);
            if (shards < 0 || shards > 256) {
                throw new IllegalArgumentException("--shards: 0..256 expected, got " + shards);
            }
            if (duration < 0 || Double.isNaN(duration)) {
                throw new IllegalArgumentException("--duration: a number of seconds >= 0 expected");
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        out = spec.commandLine().getOut();
        AutoCloseable server;
        try {
            server = raw ? openRaw(address, serverMode) : openMessages(address, serverMode);
        } catch (IOException e) {
            spec.commandLine().getErr().println("udpnet: cannot listen on " + address + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            close(server);
            stop.countDown();
        }, "udpnet-server-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (duration > 0) {
                stop.await((long) (duration * 1000), TimeUnit.MILLISECONDS);
            } else {
                stop.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // interrupted: stop like Ctrl-C
        } finally {
            close(server);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it closes the server itself.
            }
        }
        out.println("server stopped");
        out.flush();
        return 0;
    }

    private AutoCloseable openMessages(InetSocketAddress address, ServerMode serverMode) throws IOException {
        Set<MessageConnection> online = ConcurrentHashMap.newKeySet();
        MessageListener chat = new MessageListener() {
            @Override
            public void onConnected(MessageConnection c) {
                online.add(c);
                say("+ " + Addresses.text(c.remoteAddress()) + " connected (" + online.size() + " online)");
            }

            @Override
            public void onMessage(MessageConnection from, int channel, ByteBuffer message) {
                String text = StandardCharsets.UTF_8.decode(message).toString();
                ByteBuffer line = ByteBuffer.wrap((Addresses.text(from.remoteAddress()) + ": " + text)
                        .getBytes(StandardCharsets.UTF_8));
                for (MessageConnection c : online) {
                    try {
                        if (!c.trySend(0, line)) {
                            say("! " + Addresses.text(c.remoteAddress())
                                    + " is not keeping up; a line was not sent to it");
                        }
                    } catch (IOException | IllegalArgumentException e) {
                        // closed meanwhile, or the prefixed line is over the limit: nothing to send to
                    }
                }
            }

            @Override
            public void onClosed(MessageConnection c, DisconnectReason reason) {
                online.remove(c);
                say("- " + Addresses.text(c.remoteAddress()) + " left: " + reason + " (" + online.size() + " online)");
            }
        };
        MessageServerConfig.Builder b = MessageServerConfig.builder().bindAddress(address).mode(serverMode)
                .listener(chat);
        if (shards > 0) {
            b.shards(shards);
        }
        MessageServer server = MessageServer.open(b.build());
        say("udpnet chat server on " + server.localAddress() + " (" + server.mode().name().toLowerCase(Locale.ROOT)
                + "); connect with: bin/udpnet client " + Addresses.text(server.localAddress()));
        return server;
    }

    private AutoCloseable openRaw(InetSocketAddress address, ServerMode serverMode) throws IOException {
        SessionHandler echo = new SessionHandler() {
            @Override
            public void onDatagram(DatagramSession session, ByteBuffer datagram) {
                try {
                    session.send(datagram);
                } catch (IOException e) {
                    // reported through onError / onClosed
                }
            }

            @Override
            public void onClosed(DatagramSession session, io.udpnet.transport.CloseReason reason) {
                say("- " + Addresses.text(session.remoteAddress()) + " " + reason.name().toLowerCase(Locale.ROOT)
                        + " after " + session.receivedCount() + " datagrams");
            }
        };
        UdpServerConfig.Builder b = UdpServerConfig.builder().bindAddress(address).mode(serverMode)
                .sessionListener(s -> {
                    say("+ " + Addresses.text(s.remoteAddress()) + (s.hasOwnSocket() ? " (own socket)" : ""));
                    return echo;
                });
        if (shards > 0) {
            b.shards(shards);
        }
        UdpServer server = UdpServer.open(b.build());
        say("udpnet raw echo server on " + server.localAddress() + " ("
                + server.mode().name().toLowerCase(Locale.ROOT) + "); try: socat - UDP:"
                + Addresses.text(server.localAddress()));
        return server;
    }

    static ServerMode parseMode(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "shared" -> ServerMode.SHARED;
            case "sharded" -> ServerMode.SHARDED;
            case "connected" -> ServerMode.CONNECTED;
            default -> throw new IllegalArgumentException("--mode: shared, sharded or connected expected, got '"
                    + text + "'");
        };
    }

    private synchronized void say(String line) {
        out.println(line);
        out.flush();
    }

    private static void close(AutoCloseable server) {
        try {
            server.close();
        } catch (Exception e) {
            // closing is best effort at exit
        }
    }
}
