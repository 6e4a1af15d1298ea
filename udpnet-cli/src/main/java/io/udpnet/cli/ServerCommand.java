package io.udpnet.cli;

import io.udpnet.dtls.DtlsCredentials;
import io.udpnet.dtls.DtlsServerConfig;
import io.udpnet.engine.DisconnectReason;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;
import io.udpnet.transport.SessionCloseReason;
import io.udpnet.transport.DatagramSession;
import io.udpnet.io.ServerMode;
import io.udpnet.transport.DatagramDropReason;
import io.udpnet.transport.DatagramSessionListener;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Runs a chat/echo server with the default connection configuration: channel 0 "
                + "reliable-ordered, 1 reliable-unordered, 2 unreliable-sequenced, 3 unreliable. Every message a "
                + "client sends, on any channel, goes to every connected client (the sender too) on channel 0 as "
                + "'HOST:PORT: ' (the sender's address) followed by the message; connections and disconnections "
                + "are printed.",
                "With --raw: a plain datagram echo server on the raw level (each peer's datagrams are echoed back "
                        + "by its session), for testing UDP reachability with any tool (e.g. socat, nc -u). "
                        + "Datagrams over --max-datagram are dropped, counted and reported.",
                "With --raw --dtls: a DTLS 1.2 echo server (each session's decrypted datagrams are echoed back "
                        + "encrypted), for any DTLS client, e.g. openssl s_client -dtls1_2 -connect HOST:PORT. "
                        + "Without --cert/--key or --pkcs12 it makes a self-signed EC P-256 certificate and prints "
                        + "its SHA-256 fingerprint on standard error.",
                "With --dtls (without --raw): the chat server over DTLS 1.2, each udpnet connection inside a DTLS "
                        + "session; connect with 'client --dtls --fingerprint SHA256' (the fingerprint printed), "
                        + "--trust FILE or --insecure. The key options are those of --raw --dtls.",
                "Runs until interrupted (Ctrl-C), which closes every connection with a goodbye, then prints a "
                        + "summary.",
                "With --metrics: the counters at http://HOST:PORT/metrics in the Prometheus text format.",
                "Exit status: 0 after a clean stop, 1 when the port (or the --metrics address) cannot be bound, 2 "
                        + "for bad arguments."})
final class ServerCommand implements Callable<Integer> {
    /** How often dropped oversize datagrams are looked for and reported while the server runs. */
    private static final long REPORT_NANOS = 1_000_000_000L;

    @Spec
    CommandSpec spec;

    @Option(names = "--bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7000",
            description = "address to listen on (default: ${DEFAULT-VALUE}); :PORT for every interface, "
                    + "[::1]:PORT for IPv6")
    String bind;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "shared",
            description = "shared, sharded or connected: how sockets and threads are laid out (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "0",
            description = "sockets and I/O threads in sharded mode; 0 = available processors")
    int shards;

    @Option(names = "--raw", description = "echo raw datagrams instead of serving udpnet connections")
    boolean raw;

    @Option(names = "--max-datagram", paramLabel = "BYTES",
            description = "with --raw: largest datagram echoed, 1..65507; larger ones are dropped and reported "
                    + "(default: 65507, any UDP datagram). With --dtls: the largest DTLS datagram sent, "
                    + "256..16384 (default: 1200)")
    Integer maxDatagram;

    @Mixin
    DtlsOptions tls;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
            description = "stop after this many seconds; 0 = run until interrupted")
    double duration;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "serve the server's counters at http://HOST:PORT/metrics in the Prometheus text format")
    String metrics;

    @Option(names = "--json", description = "print the summary as one JSON object on standard output; "
            + "the lines printed while running go to standard error")
    boolean json;

    /** Where the lines printed while running go. */
    private PrintWriter events;
    /** With --metrics: the page's totals, and the chat's open connections. */
    private final ServerMetrics serverMetrics = new ServerMetrics();
    private Set<MessageConnection> online = Set.of();

    @Override
    public Integer call() {
        InetSocketAddress address;
        InetSocketAddress metricsAddress;
        ServerMode serverMode;
        try {
            address = Addresses.bind("--bind", bind);
            metricsAddress = metrics == null ? null : Addresses.bind("--metrics", metrics);
            serverMode = parseMode(mode);
            if (shards < 0 || shards > 256) {
                throw new IllegalArgumentException("--shards: 0..256 expected, got " + shards);
            }
            if (!(duration >= 0)) {
                throw new IllegalArgumentException("--duration: a number of seconds >= 0 expected");
            }
            if (maxDatagram != null && !raw) {
                throw new IllegalArgumentException("--max-datagram applies to --raw only");
            }
            if (maxDatagram != null && !tls.dtls && (maxDatagram < 1 || maxDatagram > UdpServerConfig.MAX_UDP_PAYLOAD)) {
                throw new IllegalArgumentException("--max-datagram: 1.." + UdpServerConfig.MAX_UDP_PAYLOAD
                        + " bytes expected, got " + maxDatagram);
            }
            tls.check(maxDatagram);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        events = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        AutoCloseable server;
        try {
            server = raw ? openRaw(address, serverMode) : openMessages(address, serverMode);
        } catch (IOException e) {
            spec.commandLine().getErr().println("udpnet: cannot listen on " + Addresses.text(address) + ": "
                    + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        MetricsEndpoint endpoint = null;
        if (metricsAddress != null) {
            AutoCloseable running = server;
            try {
                endpoint = MetricsEndpoint.start(metricsAddress, () -> running instanceof UdpServer u
                        ? serverMetrics.page(u) : serverMetrics.page((MessageServer) running, online));
                say("metrics on http://" + Addresses.reachable(endpoint.address()) + "/metrics");
            } catch (IOException e) {
                close(server);
                spec.commandLine().getErr().println("udpnet: cannot serve metrics on " + Addresses.text(metricsAddress)
                        + ": " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
        long start = System.nanoTime();
        StopHook shutdown = new StopHook("udpnet-server-stop", 5);
        try {
            runUntilStopped(server, shutdown.stop);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // interrupted: stop like Ctrl-C
        } finally {
            // Counters are read while the server still runs: a closed message server no longer answers for them.
            String summary = summary(server, (System.nanoTime() - start) / 1e9);
            if (endpoint != null) {
                endpoint.close();
            }
            close(server);
            PrintWriter out = spec.commandLine().getOut();
            out.println(summary);
            out.flush();
            shutdown.done();
        }
        return 0;
    }

    /** Waits for the end (duration, interrupt or Ctrl-C), reporting oversize datagrams as they are dropped. */
    private void runUntilStopped(AutoCloseable server, CountDownLatch stop) throws InterruptedException {
        long end = duration > 0 ? System.nanoTime() + (long) (duration * 1e9) : Long.MAX_VALUE;
        long reported = 0;
        while (true) {
            long wait = Math.min(REPORT_NANOS, end - System.nanoTime());
            if (wait <= 0 || stop.await(wait, TimeUnit.NANOSECONDS)) {
                return;
            }
            long oversize = oversize(server);
            if (oversize > reported) {
                say("! " + (oversize - reported) + " datagram(s) over " + limitText() + " dropped ("
                        + oversize + " so far)");
                reported = oversize;
            }
        }
    }

    private AutoCloseable openMessages(InetSocketAddress address, ServerMode serverMode) throws IOException {
        Set<MessageConnection> online = ConcurrentHashMap.newKeySet();
        this.online = online;
        MessageConnectionListener chat = new MessageConnectionListener() {
            @Override
            public void onConnected(MessageConnection c) {
                online.add(c);
                say("+ " + Addresses.text(c.remoteAddress()) + " connected (" + online.size() + " online)");
            }

            @Override
            public void onMessage(MessageConnection from, int channel, ByteBuffer message) {
                String text = Addresses.text(from.remoteAddress()) + ": " + StandardCharsets.UTF_8.decode(message);
                ByteBuffer line = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
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
                serverMetrics.closed(c);
                say("- " + Addresses.text(c.remoteAddress()) + " left: " + reason + " (" + online.size()
                        + " online)");
            }
        };
        MessageServerConfig.Builder b = MessageServerConfig.builder().bindAddress(address).mode(serverMode)
                .listener(chat);
        if (shards > 0) {
            b.shards(shards);
        }
        if (tls.dtls) {
            b.dtls(DtlsServerConfig.builder().credentials(tls.credentials()).build());
        }
        MessageServer server = MessageServer.open(b.build());
        if (tls.dtls) {
            DtlsCredentials id = server.dtlsCredentials();
            printCertificate(id);
            say("udpnet secure chat server (DTLS 1.2) on " + listening(server.localAddress(), server.mode())
                    + "; connect with: bin/udpnet client --dtls --fingerprint " + id.fingerprint() + " "
                    + Addresses.reachable(server.localAddress()) + " (I/O: " + server.io() + ")");
            return server;
        }
        say("udpnet chat server on " + listening(server.localAddress(), server.mode()) + "; connect with: "
                + "bin/udpnet client " + Addresses.reachable(server.localAddress()) + " (I/O: " + server.io() + ")");
        return server;
    }

    private AutoCloseable openRaw(InetSocketAddress address, ServerMode serverMode) throws IOException {
        DatagramSessionListener echo = new DatagramSessionListener() {
            @Override
            public void onDatagram(DatagramSession session, ByteBuffer datagram) {
                try {
                    session.send(datagram);
                } catch (IOException e) {
                    // reported through onError / onClosed
                }
            }

            @Override
            public void onClosed(DatagramSession session, SessionCloseReason reason) {
                say("- " + Addresses.text(session.remoteAddress()) + " " + reason.name().toLowerCase(Locale.ROOT)
                        + " after " + session.receivedCount() + " datagrams");
            }
        };
        UdpServerConfig.Builder b = UdpServerConfig.builder().bindAddress(address).mode(serverMode)
                .maxDatagramSize(maxDatagram == null || tls.dtls ? UdpServerConfig.MAX_UDP_PAYLOAD : maxDatagram)
                .sessionListener(s -> {
                    say("+ " + Addresses.text(s.remoteAddress()) + (s.hasOwnSocket() ? " (own socket)" : ""));
                    return echo;
                });
        if (shards > 0) {
            b.shards(shards);
        }
        if (tls.dtls) {
            DtlsServerConfig.Builder d = DtlsServerConfig.builder().credentials(tls.credentials());
            if (maxDatagram != null) {
                d.maxDatagramSize(maxDatagram);
            }
            b.dtls(d.build());
        }
        UdpServer server = UdpServer.open(b.build());
        if (tls.dtls) {
            printCertificate(server.dtlsCredentials().orElseThrow());
            say("udpnet DTLS echo server on " + listening(server.localAddress(), server.mode())
                    + ", datagrams up to " + server.config().dtls().maxDatagramSize() + " bytes; try: "
                    + "openssl s_client -dtls1_2 -connect " + Addresses.reachable(server.localAddress()));
            return server;
        }
        say("udpnet raw echo server on " + listening(server.localAddress(), server.mode()) + ", datagrams up to "
                + server.config().maxDatagramSize() + " bytes; try: socat - UDP:"
                + Addresses.reachable(server.localAddress()));
        int asked = server.config().receiveBufferSize();
        int granted = server.grantedReceiveBufferSize();
        // Linux reports twice the size asked for (it counts its own overhead); less than asked means a cap.
        say("I/O: " + server.socketStats().io() + "; receive buffer " + granted / 1024 + " KiB per socket"
                + (granted < asked ? " (asked for " + asked / 1024 + " KiB: raise net.core.rmem_max for more)" : ""));
        return server;
    }

    /** Prints, on standard error, which certificate the DTLS server presents and its fingerprint. */
    private void printCertificate(DtlsCredentials id) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("DTLS certificate " + id.certificate().getSubjectX500Principal().getName()
                + (tls.credentials() == null ? " (self-signed, made now)" : "") + ", SHA-256 fingerprint "
                + id.fingerprint());
        err.flush();
    }

    /** {@code 127.0.0.1:7000 (shared)}, or {@code *:7000 (shared, every interface)} on the wildcard address. */
    private static String listening(InetSocketAddress local, ServerMode mode) {
        return Addresses.text(local) + " (" + mode.name().toLowerCase(Locale.ROOT)
                + (local.getAddress().isAnyLocalAddress() ? ", every interface)" : ")");
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

    private static long oversize(AutoCloseable server) {
        return server instanceof UdpServer u ? u.stats().drops(DatagramDropReason.OVERSIZE)
                : ((MessageServer) server).stats().sockets().oversize();
    }

    private String limitText() {
        return raw ? "--max-datagram " + (maxDatagram == null ? UdpServerConfig.MAX_UDP_PAYLOAD : maxDatagram)
                + " bytes" : "the largest datagram a connection accepts";
    }

    /** The summary line, or JSON object with {@code --json}, of the server's counters now. */
    private String summary(AutoCloseable server, double seconds) {
        Json settings = new Json().put("bind", bind).put("mode", mode.toLowerCase(Locale.ROOT)).put("shards", shards)
                .put("raw", raw).put("durationSeconds", duration);
        if (tls.dtls) {
            settings.put("dtls", true);
        }
        return server instanceof UdpServer u ? ServerSummary.raw(u, settings, seconds, limitText(), json)
                : ServerSummary.messages((MessageServer) server, settings, seconds, json);
    }

    private synchronized void say(String line) {
        events.println(line);
        events.flush();
    }

    private static void close(AutoCloseable server) {
        try {
            server.close();
        } catch (Exception e) {
            // closing is best effort at exit
        }
    }
}
