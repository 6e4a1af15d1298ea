package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;
import io.udpnet.messaging.ConnectionClosedException;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server of the {@code scale} scenario, in a JVM of its own so that its CPU time, heap and memory are its own:
 * one SHARDED {@link MessageServer} on 127.0.0.1 (a socket and I/O thread per core, as a server of many clients
 * runs) echoing every message with {@code trySend}. Started by
 * {@link ScaleServerProcess} with {@code nio} or {@code native} and the most connections; prints
 * {@code port N} on stdout, then answers one line per command read from stdin:
 * <ul>
 *   <li>{@code cpu}: {@code cpu <process CPU ns> connections <n> echoed <n>} (cheap: taken around measurements)</li>
 *   <li>{@code stats}: {@code heap <bytes of the reachable objects>} ({@link #liveHeapBytes}) and the same as
 *       {@code cpu}, the CPU read before the collection</li>
 *   <li>{@code quit}, or stdin closed: closes the server and exits, so the child never outlives the bench</li>
 * </ul>
 * Anything else is answered with {@code error ...}. Nothing but answers goes to stdout.
 */
public final class ScaleServer {
    private ScaleServer() {
    }

    /**
     * Runs the server until {@code quit} or the end of stdin.
     *
     * @param args {@code nio|native} and the most connections
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        if (args.length != 2) {
            System.err.println("usage: ScaleServer nio|native MAX_CONNECTIONS");
            System.exit(2);
        }
        DatagramIo io;
        try {
            io = args[0].equals("native") ? Peers.nativeIo() : DatagramIo.nio();
        } catch (Peers.Unavailable e) {
            System.err.println("ScaleServer: " + e.getMessage());
            System.exit(1);
            return;
        }
        int max = Integer.parseInt(args[1]);
        AtomicLong echoed = new AtomicLong();
        try (MessageServer server = open(io, max, echoed)) {
            out.println("port " + server.localAddress().getPort());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
                out.println(answer(line.trim(), server, echoed));
            }
        }
        System.exit(0);
    }

    /** The scenario's server; {@code echoed} counts the messages echoed. */
    static MessageServer open(DatagramIo io, int maxConnections, AtomicLong echoed) throws IOException {
        ConnectionConfig config = connectionConfig();
        return MessageServer.open(MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARDED).connection(config)
                .server(ServerEndpointConfig.builder().maxConnections(Math.max(maxConnections, 1)).build())
                .listener(new Echo(echoed)).io(io).build());
    }

    /**
     * A connection's acks wait up to this long for a message to ride on: a little more than the
     * {@value ScaleLoad#PER_SECOND}-per-second gap between one connection's messages, so that a client's ack of an
     * echo goes out with its next message rather than in a datagram of its own (which the server would have to read
     * too). Both ends use it, so that neither side's probe time-out fires before the ack it waits for.
     */
    static final java.time.Duration MAX_ACK_DELAY = java.time.Duration.ofMillis(1000 / ScaleLoad.PER_SECOND + 10);

    /**
     * The connection settings of both ends: one reliable-ordered channel, acks held up to {@link #MAX_ACK_DELAY},
     * the rest the library's defaults.
     */
    static ConnectionConfig connectionConfig() {
        return ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED).maxAckDelay(MAX_ACK_DELAY).build();
    }

    private static String answer(String command, MessageServer server, AtomicLong echoed) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        String counts = "cpu " + cpu + " connections " + server.stats().connections() + " echoed " + echoed.get();
        return switch (command) {
            case "cpu" -> counts;
            case "stats" -> "heap " + liveHeapBytes() + " " + counts;
            default -> "error unknown command '" + command + "' (cpu, stats, quit)";
        };
    }

    /**
     * Bytes of the objects still reachable, from the JVM's own class histogram (taken after a full collection):
     * exact, where the used heap after {@code System.gc()} moves by a megabyte or more with the collector's
     * bookkeeping. Falls back to that where the diagnostic command is missing.
     */
    static long liveHeapBytes() {
        try {
            String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            for (String line : histogram.split("\n")) {
                String[] p = line.trim().split("\\s+");
                if (p.length == 3 && p[0].equals("Total")) {
                    return Long.parseLong(p[2]);
                }
            }
        } catch (javax.management.JMException | RuntimeException e) {
            // below
        }
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Echoes every message on its connection, on the server's I/O thread. */
    private static final class Echo implements MessageConnectionListener {
        private final AtomicLong echoed;

        Echo(AtomicLong echoed) {
            this.echoed = echoed;
        }

        @Override
        public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
            try {
                if (c.trySend(channel, message)) {
                    echoed.lazySet(echoed.get() + 1);
                }
            } catch (ConnectionClosedException e) {
                // closing at the end of the run
            }
        }
    }
}
