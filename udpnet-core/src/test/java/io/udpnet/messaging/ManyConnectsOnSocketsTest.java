package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.EndpointStats;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On loopback: 2,000 clients start connecting to a SHARDED server at the same moment. Every one gets in (a client
 * that times out tries again, from the same port); the server refuses none and ends up with one connection each.
 */
@Timeout(180)
class ManyConnectsOnSocketsTest {
    private static final int CLIENTS = 2_000;

    @Test
    void twoThousandSimultaneousConnectsAllGetIn() throws Exception {
        AtomicInteger serverSide = new AtomicInteger();
        ConnectionConfig config = ConnectionConfig.defaults();
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARDED).connection(config)
                .listener(new MessageConnectionListener() {
                    @Override
                    public void onConnected(MessageConnection connection) {
                        serverSide.incrementAndGet();
                    }

                    @Override
                    public void onMessage(MessageConnection connection, int channel, ByteBuffer message) {
                    }
                }).build());
             MessageClient client = MessageClient.open(config)) {
            List<CompletableFuture<MessageConnection>> attempts = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                attempts.add(client.connectAsync(server.localAddress(), ByteBuffer.allocate(0), null));
            }
            int retries = 0;
            List<MessageConnection> open = new ArrayList<>();
            for (int round = 0; round < 5 && !attempts.isEmpty(); round++) {
                List<CompletableFuture<MessageConnection>> again = new ArrayList<>();
                for (CompletableFuture<MessageConnection> f : attempts) {
                    try {
                        open.add(f.get(60, TimeUnit.SECONDS));
                    } catch (ExecutionException e) {
                        assertTrue(e.getCause() instanceof ConnectFailedException failed
                                && failed.reason().code() == DisconnectCode.CONNECT_TIMED_OUT, e.getCause().toString());
                        again.add(client.connectAsync(server.localAddress(), ByteBuffer.allocate(0), null));
                        retries++;
                    }
                }
                attempts = again;
            }
            assertEquals(CLIENTS, open.size(), "connected, after " + retries + " retries");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.connectionCount() != CLIENTS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            MessageServerStats stats = server.stats();
            assertEquals(CLIENTS, server.connectionCount(), "one connection per client: " + stats);
            assertEquals(0, stats.endpoints().stream().mapToLong(EndpointStats::rejected).sum(),
                    "nobody refused (no SERVER_FULL): " + stats);
            System.out.printf("ManyConnectsOnSocketsTest: %d connected, %d retries, %s%n", open.size(), retries,
                    stats.endpoints());
        }
    }
}
