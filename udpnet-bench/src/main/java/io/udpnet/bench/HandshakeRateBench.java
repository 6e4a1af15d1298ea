package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageClientConfig;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Handshakes through real sockets: {@code --clients} connections started at once from one {@link MessageClient}
 * to a {@link MessageServer} on loopback, in rounds. Reports per round the wall time until all are open and the
 * process's CPU time meanwhile, which covers both ends (client and server share the process), and the CPU time of
 * the server's I/O threads alone (threads named {@code udpnet-server...}): handshakes per server CPU-second is what
 * one core of the server does.
 *
 * <p>{@code bin/bench --main io.udpnet.bench.HandshakeRateBench [--clients N] [--rounds R] [--mode shared|sharded]
 * [--client-io nio] [--server-io nio]} (the default I/O is native where it loads)
 */
public final class HandshakeRateBench {
    private HandshakeRateBench() {
    }

    private static long serverThreadsCpu() {
        var threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("udpnet-server")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.threadId()));
            }
        }
        return sum;
    }

    /** Runs the rounds and prints one line each. */
    public static void main(String[] args) throws Exception {
        int clients = 2_000;
        int rounds = 5;
        ServerMode mode = ServerMode.SHARED;
        DatagramIo clientIo = null;
        DatagramIo serverIo = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--mode" -> mode = ServerMode.valueOf(args[i + 1].toUpperCase(java.util.Locale.ROOT));
                case "--client-io" -> clientIo = args[i + 1].equals("nio") ? DatagramIo.nio() : null;
                case "--server-io" -> serverIo = args[i + 1].equals("nio") ? DatagramIo.nio() : null;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ConnectionConfig config = ConnectionConfig.defaults();
        MessageConnectionListener ignore = (connection, channel, message) -> { };
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(mode).connection(config).listener(ignore).io(serverIo)
                .server(ServerEndpointConfig.builder().maxConnections(Math.max(10_000, clients)).build()).build());
             MessageClient client = MessageClient.open(MessageClientConfig.builder().connection(config).io(clientIo)
                     .build())) {
            for (int round = 0; round < rounds; round++) {
                long cpu = os.getProcessCpuTime();
                long serverCpu = serverThreadsCpu();
                long start = System.nanoTime();
                List<CompletableFuture<MessageConnection>> attempts = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    attempts.add(client.connectAsync(server.localAddress(), ByteBuffer.allocate(0), ignore));
                }
                List<MessageConnection> open = new ArrayList<>();
                int failed = 0;
                String firstFailure = "";
                for (CompletableFuture<MessageConnection> f : attempts) {
                    try {
                        open.add(f.get(30, TimeUnit.SECONDS));
                    } catch (Exception e) {
                        if (failed++ == 0) {
                            firstFailure = " (first: " + (e.getCause() != null ? e.getCause() : e) + ")";
                        }
                    }
                }
                long wall = System.nanoTime() - start;
                if (failed > 0) {
                    System.out.println("client " + client.stats() + "\nserver " + server.stats());
                }
                long used = os.getProcessCpuTime() - cpu;
                long serverUsed = serverThreadsCpu() - serverCpu;
                System.out.printf("round %d (%s): %d open, %d failed in %.2f s: %.0f handshakes/s; CPU per handshake"
                                + " %.0f µs both ends, %.0f µs on the server's threads (%.0f handshakes per server"
                                + " CPU-second)%s%n", round, mode, open.size(), failed, wall / 1e9,
                        open.size() / (wall / 1e9), used / 1e3 / Math.max(1, open.size()),
                        serverUsed / 1e3 / Math.max(1, open.size()), open.size() / (serverUsed / 1e9), firstFailure);
                open.forEach(MessageConnection::close);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (server.connectionCount() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
        }
    }
}
