package io.udpnet.nativeio;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.EndpointStats;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;
import io.udpnet.messaging.ConnectFailedException;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageClientConfig;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;
import io.udpnet.messaging.MessageServerStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On loopback, client and server on the native I/O: 2,000 connects start at the same moment from one
 * {@link MessageClient}, whose one I/O thread then reads 2,000 sockets. Every one gets in, nearly all at the first
 * attempt: when each socket made a 512 KiB GRO spill area at its first receive, the thread spent seconds zeroing and
 * faulting in 1 GiB, and 1,937 of the 2,000 attempts timed out (5 s) before it read their answers. The bound on
 * retries (5%) leaves room for a slow machine; the old behaviour was twenty times over it.
 *
 * <p>The same storm from several native clients against a NIO server keeps the client side alone under test: when
 * the native poller reported 64 ready sockets per poll, each client thread read 64 sockets per turn of its loop and
 * resent the other connections' handshakes in between (the server answered 2.7 challenges per connect where one was
 * needed), and on a busy machine most connects timed out.
 */
@Timeout(180)
class NativeManyConnectsTest {
    private static final int CLIENTS = 2_000;

    @Test
    void twoThousandSimultaneousConnectsFromOneNativeClientAllGetIn() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARED).connection(config)
                .io(LinuxDatagramIoTest.IO)
                .listener(new MessageConnectionListener() {
                    @Override
                    public void onMessage(MessageConnection connection, int channel, ByteBuffer message) {
                    }
                }).build());
             MessageClient client = MessageClient.open(MessageClientConfig.builder().connection(config)
                     .io(LinuxDatagramIoTest.IO).build())) {
            List<CompletableFuture<MessageConnection>> attempts = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                attempts.add(client.connectAsync(server.localAddress(), ByteBuffer.allocate(0), null));
            }
            int retries = 0;
            List<MessageConnection> open = new ArrayList<>();
            for (int round = 0; round < 3 && !attempts.isEmpty(); round++) {
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
            MessageServerStats stats = server.stats();
            assertEquals(CLIENTS, open.size(), "connected, after " + retries + " retries; " + client.stats() + "; "
                    + stats.endpoints());
            System.out.printf("NativeManyConnectsTest: %d connected, %d retries, %s%n", open.size(), retries,
                    stats.endpoints());
            assertTrue(retries <= CLIENTS / 20, retries + " of " + CLIENTS + " attempts timed out");
            assertEquals(0, stats.endpoints().stream().mapToLong(EndpointStats::rejected).sum(),
                    "nobody refused: " + stats);
        }
    }

    @Test
    void simultaneousConnectsFromSeveralNativeClientsToANioServerAllGetIn() throws Exception {
        int clients = 4;
        int each = 300;
        // A minute per connect: the test is about every answer being read, not about how fast this machine is.
        ConnectionConfig config = ConnectionConfig.defaults().toBuilder().connectTimeout(Duration.ofSeconds(60)).build();
        List<MessageClient> open = new ArrayList<>();
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARED).connection(config)
                .io(DatagramIo.nio()).listener((connection, channel, message) -> { }).build())) {
            for (int c = 0; c < clients; c++) {
                open.add(MessageClient.open(MessageClientConfig.builder().connection(config)
                        .io(LinuxDatagramIoTest.IO).build()));
            }
            List<CompletableFuture<MessageConnection>> attempts = new ArrayList<>();
            for (int i = 0; i < clients * each; i++) {
                attempts.add(open.get(i % clients).connectAsync(server.localAddress(), ByteBuffer.allocate(0), null));
            }
            CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            MessageServerStats stats = server.stats();
            assertEquals(clients * each, server.connectionCount(), stats.toString());
            System.out.printf("NativeManyConnectsTest, %d native clients to a NIO server: %d connected, %s%n",
                    clients, clients * each, stats.endpoints());
        } finally {
            open.forEach(MessageClient::close);
        }
    }
}
