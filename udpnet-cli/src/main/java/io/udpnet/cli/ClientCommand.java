package io.udpnet.cli;

import io.udpnet.ConnectionConfig;
import io.udpnet.dtls.DtlsClientConfig;
import io.udpnet.dtls.DtlsTrust;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.messaging.ConnectFailedException;
import io.udpnet.messaging.Message;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageClientConfig;
import io.udpnet.messaging.MessageConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code udpnet client}: an interactive client for {@code udpnet server}. */
@Command(name = "client", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Connects to a udpnet server (see 'udpnet server') and chats: each line read from standard "
                + "input is sent reliable-ordered on channel 0, each message received is printed.",
                "End of input closes the connection gracefully (lines already sent are delivered first).",
                "Prints a line while it waits for the server (at most the connect time-out, 5 s).",
                "With --dtls: the connection runs inside a DTLS 1.2 session with 'server --dtls'; "
                        + "--fingerprint SHA256 (as the server prints it), --trust FILE or --insecure say how the "
                        + "server's certificate is trusted (default: the system's CAs).",
                "Exit status: 0 after end of input, 1 when the connection fails or is lost, 2 for bad arguments "
                        + "(port 0 included: nothing can be reached there)."})
final class ClientCommand implements Callable<Integer> {
    /** Where lines come from. */
    private final InputStream input;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7000",
            description = "the server (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--json", description = "print the summary as one JSON object, the last line on standard "
            + "output (after the messages received); the other lines go to standard error")
    boolean json;

    @Mixin
    DtlsTrustOptions tls;

    ClientCommand() {
        this(System.in);
    }

    ClientCommand(InputStream input) {
        this.input = input;
    }

    @Override
    public Integer call() throws IOException {
        InetSocketAddress address;
        DtlsTrust trust;
        try {
            address = Addresses.peer("HOST:PORT", server);
            trust = tls.trust();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter events = json ? err : out;
        Json settings = new Json().put("server", server);
        if (tls.dtls) {
            settings.put("dtls", true);
        }
        Json summary = new Json().put("command", "client").put("settings", settings);
        MessageClientConfig.Builder b = MessageClientConfig.builder().connection(ConnectionConfig.defaults());
        if (trust != null) {
            b.dtls(DtlsClientConfig.builder(trust).build());
        }
        MessageClientConfig clientConfig = b.build();
        ConnectionConfig config = clientConfig.connection();
        try (MessageClient client = MessageClient.open(clientConfig)) {
            events.printf("waiting for the server at %s (up to %d s)...%n", Addresses.text(address),
                    TimeUnit.NANOSECONDS.toSeconds(config.connectTimeoutNanos()));
            events.flush();
            MessageConnection c;
            try {
                c = client.connect(address);
            } catch (ConnectFailedException e) {
                err.println("udpnet: cannot connect to " + Addresses.text(address) + ": " + e.reason());
                err.flush();
                if (json) {
                    out.println(summary.put("connected", false).put("disconnectReason", e.reason().toString()));
                    out.flush();
                }
                return 1;
            }
            events.println("connected to " + Addresses.text(address) + (tls.dtls ? " over DTLS 1.2" : "")
                    + "; type lines, end with Ctrl-D");
            events.flush();
            // Lines are read on their own thread, so a connection the server ends is noticed without waiting for
            // the next line of input.
            CountDownLatch finished = new CountDownLatch(1);
            Thread printer = Thread.ofPlatform().daemon().name("udpnet-client-print").start(() -> {
                print(c, out);
                finished.countDown();
            });
            Thread.ofPlatform().daemon().name("udpnet-client-read").start(() -> {
                send(c, err);
                finished.countDown();
            });
            try {
                finished.await();
                c.close("end of input");
                printer.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ConnectionStats s = c.stats();
            if (json) {
                out.println(summary.put("connected", true).put("disconnectReason", String.valueOf(c.disconnectReason()))
                        .put("rttMillis", s.smoothedRttNanos() / 1e6).put("messagesSent", s.messagesSent())
                        .put("messagesReceived", s.messagesDelivered()).put("datagramsSent", s.datagramsSent())
                        .put("datagramsReceived", s.datagramsReceived()).put("datagramsLost", s.datagramsLost())
                        .put("packetsRetransmitted", s.retransmissions()).put("bytesSent", s.bytesSent())
                        .put("bytesReceived", s.bytesReceived()));
            } else {
                out.printf("closed: %s; rtt %.1f ms, %d datagrams sent, %d packets retransmitted%n",
                        c.disconnectReason(), s.smoothedRttNanos() / 1e6, s.datagramsSent(), s.retransmissions());
            }
            out.flush();
            return c.disconnectReason() != null && c.disconnectReason().remote() ? 1 : 0;
        }
    }

    /** Sends each line of input until its end or until the connection is closed. */
    private void send(MessageConnection c, PrintWriter err) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > c.config().maxMessageSize(0)) {
                    err.println("udpnet: line of " + bytes.length + " bytes is too long; not sent");
                    err.flush();
                    continue;
                }
                c.send(0, bytes);
            }
        } catch (IOException e) {
            // the connection closed, or input failed: either way the chat is over
        }
    }

    /** Prints what arrives until the connection is closed and every message was printed. */
    private static void print(MessageConnection c, PrintWriter out) {
        try {
            while (true) {
                Message m = c.receive();
                out.println(new String(m.data(), StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException closed) {
            // connection over
        }
    }
}
