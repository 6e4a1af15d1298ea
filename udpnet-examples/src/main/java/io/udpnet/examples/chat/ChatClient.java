package io.udpnet.examples.chat;

import io.udpnet.examples.Args;
import io.udpnet.messaging.ConnectionClosedException;
import io.udpnet.messaging.Message;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageConnection;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A chat client in blocking style: one thread prints what the room says while the caller's thread sends the lines
 * read from standard input. The first message sent is the name.
 *
 * <p>Run: {@code ChatClient [HOST:PORT] [--name NAME] [--seconds N]} (default 127.0.0.1:7001). It ends when standard
 * input ends, or after {@code --seconds} when given (then it keeps listening after its input ended).
 */
public final class ChatClient {
    private ChatClient() {
    }

    /**
     * Runs a client.
     *
     * @param args {@code [HOST:PORT] [--name NAME] [--seconds N]}
     * @param in   the lines to send
     * @param out  where the room's lines are printed
     * @return 0 after a clean end, 1 when the server could not be reached or went away, 2 for bad arguments
     */
    public static int run(String[] args, InputStream in, PrintStream out) {
        Args a;
        InetSocketAddress server;
        double seconds;
        String name;
        try {
            a = Args.parse(args, "name", "seconds");
            server = Args.address("server", a.positional(0, "127.0.0.1:7001"));
            seconds = a.seconds("seconds", 0);
            name = a.text("name", "guest-" + ProcessHandle.current().pid());
        } catch (IllegalArgumentException e) {
            out.println("ChatClient: " + e.getMessage()
                    + "\nusage: ChatClient [HOST:PORT] [--name NAME] [--seconds N]");
            return 2;
        }
        long end = seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
        try (MessageClient client = MessageClient.open(ChatServer.CONFIG);
             MessageConnection c = client.connect(server)) {
            Thread printer = Thread.ofPlatform().daemon().name("chat-printer").start(() -> print(c, out));
            c.send(0, name.getBytes(StandardCharsets.UTF_8));
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; System.nanoTime() < end && (line = lines.readLine()) != null; ) {
                c.send(0, line.getBytes(StandardCharsets.UTF_8));
            }
            long left = end - System.nanoTime();
            if (seconds > 0 && left > 0) {
                printer.join(Duration.ofNanos(left));
            }
            boolean wasOpen = c.isOpen();
            c.close("bye");   // delivers what was sent, then tells the server
            printer.join(Duration.ofSeconds(3));
            return wasOpen ? 0 : 1;
        } catch (IOException e) {
            out.println("ChatClient: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static void print(MessageConnection c, PrintStream out) {
        try {
            while (true) {
                Message m = c.receive();
                out.println(new String(m.data(), StandardCharsets.UTF_8));
            }
        } catch (ConnectionClosedException ended) {
            // closed by us or the server
        } catch (IOException e) {
            out.println("ChatClient: " + e.getMessage());
        }
    }

    /**
     * Runs a client on standard input and output.
     *
     * @param args {@code [HOST:PORT] [--name NAME] [--seconds N]}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out));
    }
}
