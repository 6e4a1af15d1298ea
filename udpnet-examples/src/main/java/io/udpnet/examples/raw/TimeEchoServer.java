package io.udpnet.examples.raw;

import io.udpnet.examples.Args;
import io.udpnet.transport.DatagramSession;
import io.udpnet.transport.DatagramSessionListener;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A protocol of its own on the raw level: plain UDP datagrams, no udpnet header, so any UDP tool can talk to it
 * ({@code echo -n TIME | nc -u -w1 127.0.0.1 7004}). {@link UdpServer} gives each peer address a
 * {@link DatagramSession}; here a {@link DatagramSessionListener} answers each datagram on the I/O thread:
 * {@code TIME} gets {@code TIME epochMillis}, {@code ECHO text} gets {@code ECHO text}, anything else
 * {@code ERROR unknown request}. An answer is never larger than its request plus a few bytes, so a spoofed source
 * cannot use the server to amplify traffic; sessions idle for 30 s are closed.
 *
 * <p>Run: {@code TimeEchoServer [--bind HOST:PORT] [--seconds N]} (default 127.0.0.1:7004, until interrupted).
 */
public final class TimeEchoServer implements AutoCloseable {
    /** Largest request read; longer datagrams are dropped and counted by the server. */
    public static final int MAX_REQUEST = 512;
    private static final byte[] UNKNOWN = "ERROR unknown request".getBytes(StandardCharsets.US_ASCII);

    private final UdpServer server;
    private final AtomicLong answered = new AtomicLong();

    private TimeEchoServer(InetSocketAddress bind) throws IOException {
        this.server = UdpServer.open(UdpServerConfig.builder().bindAddress(bind).maxDatagramSize(MAX_REQUEST)
                .idleTimeout(Duration.ofSeconds(30)).sessionListener(session -> this::answer).build());
    }

    /**
     * Opens the server.
     *
     * @param bind where to listen (port 0: any free port)
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public static TimeEchoServer start(InetSocketAddress bind) throws IOException {
        return new TimeEchoServer(bind);
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
     * Returns requests answered so far.
     *
     * @return requests answered so far
     */
    public long answered() {
        return answered.get();
    }

    /**
     * Returns peers with a session now.
     *
     * @return peers with a session now
     */
    public int sessions() {
        return server.sessionCount();
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.close();
    }

    /** One request, on the I/O thread; {@code request} is valid only during the call. */
    private void answer(DatagramSession session, ByteBuffer request) {
        String text = StandardCharsets.US_ASCII.decode(request).toString();
        byte[] reply;
        if (text.equals("TIME")) {
            reply = ("TIME " + System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
        } else if (text.startsWith("ECHO ")) {
            reply = text.getBytes(StandardCharsets.US_ASCII);
        } else {
            reply = UNKNOWN;
        }
        // Counted before the reply leaves, so that a client holding the answer never sees a count without it.
        answered.incrementAndGet();
        try {
            session.send(ByteBuffer.wrap(reply));
        } catch (IOException e) {
            answered.decrementAndGet();   // the peer is unreachable: the session closes itself; nothing answered
        }
    }

    /**
     * Runs the server.
     *
     * @param args {@code [--bind HOST:PORT] [--seconds N]}
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        InetSocketAddress bind;
        double seconds;
        try {
            Args a = Args.parse(args, "bind", "seconds");
            bind = Args.address("--bind", a.text("bind", "127.0.0.1:7004"));
            seconds = a.seconds("seconds", 0);
        } catch (IllegalArgumentException e) {
            System.err.println("TimeEchoServer: " + e.getMessage()
                    + "\nusage: TimeEchoServer [--bind HOST:PORT] [--seconds N]");
            System.exit(2);
            return;
        }
        try (TimeEchoServer s = start(bind)) {
            PrintStream out = System.out;
            out.println("time/echo server on " + Args.text(s.address()));
            Thread.sleep(seconds > 0 ? (long) (seconds * 1000) : Long.MAX_VALUE);
            out.println(s.answered() + " requests answered");
        }
    }
}
