package io.udpnet.examples.raw;

import io.udpnet.examples.Args;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Selector;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;

/**
 * A client of {@link TimeEchoServer} on a plain {@link DatagramChannel}: the raw level needs nothing of udpnet on the
 * other side. UDP may lose a request or its answer, so each request is sent up to three times, waiting a second for
 * the answer each time.
 *
 * <p>Run: {@code TimeEchoClient [HOST:PORT] [REQUEST...]} (default 127.0.0.1:7004, requests {@code TIME} and
 * {@code ECHO hello}). Exit status 0 when every request was answered.
 */
public final class TimeEchoClient {
    private static final int TRIES = 3;
    private static final long WAIT_MILLIS = 1000;

    private TimeEchoClient() {
    }

    /**
     * Sends one request and waits for its answer.
     *
     * @param server  the server
     * @param request the request's text
     * @return the answer, or null when none came after {@value #TRIES} tries
     * @throws IOException when the channel fails
     */
    public static String ask(InetSocketAddress server, String request) throws IOException {
        try (DatagramChannel ch = DatagramChannel.open(); Selector selector = Selector.open()) {
            ch.connect(server);   // only the server's answers are read
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocate(TimeEchoServer.MAX_REQUEST + 64);
            for (int i = 0; i < TRIES; i++) {
                ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                if (selector.select(WAIT_MILLIS) > 0) {
                    selector.selectedKeys().clear();
                    in.clear();
                    if (ch.read(in) > 0) {
                        return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                    }
                }
            }
            return null;
        }
    }

    /**
     * Sends each request and prints the answers with their round-trip time.
     *
     * @param args {@code [HOST:PORT] [REQUEST...]}
     * @param out  where the answers go
     * @return 0 when every request was answered, 1 otherwise, 2 for bad arguments
     */
    public static int run(String[] args, PrintStream out) {
        InetSocketAddress server;
        Args a;
        try {
            a = Args.parse(args);
            server = Args.address("server", a.positional(0, "127.0.0.1:7004"));
        } catch (IllegalArgumentException e) {
            out.println("TimeEchoClient: " + e.getMessage() + "\nusage: TimeEchoClient [HOST:PORT] [REQUEST...]");
            return 2;
        }
        String[] requests = a.positionalCount() > 1 ? new String[a.positionalCount() - 1]
                : new String[] {"TIME", "ECHO hello"};
        for (int i = 1; i < a.positionalCount(); i++) {
            requests[i - 1] = a.positional(i, null);
        }
        int answered = 0;
        try {
            for (String r : requests) {
                long start = System.nanoTime();
                String answer = ask(server, r);
                if (answer == null) {
                    out.println(r + " -> no answer");
                } else {
                    answered++;
                    out.printf("%s -> %s (%.3f ms)%n", r, answer, (System.nanoTime() - start) / 1e6);
                }
            }
        } catch (IOException e) {
            out.println("TimeEchoClient: " + e.getMessage());
            return 1;
        }
        return answered == requests.length ? 0 : 1;
    }

    /**
     * Asks the server, answers on standard output.
     *
     * @param args {@code [HOST:PORT] [REQUEST...]}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }
}
