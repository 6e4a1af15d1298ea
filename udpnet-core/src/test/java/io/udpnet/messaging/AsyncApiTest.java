package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.DisconnectReason;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The non-blocking side of the messaging API: connectAsync, closeFuture, statsAsync, and stats() (only its first call
 * waits, for the snapshot a connection does not keep until asked).
 */
@Timeout(60)
class AsyncApiTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void connectAsyncCompletesWithAnOpenConnectionAndCloseFuturesCompleteOnBothSides() throws Exception {
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().mode(ServerMode.SHARED).build());
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            CompletableFuture<MessageConnection> f = client.connectAsync(server.localAddress(), ByteBuffer.allocate(0),
                    null);
            MessageConnection c = f.get(10, TimeUnit.SECONDS);
            assertEquals(MessageConnection.State.OPEN, c.state());
            MessageConnection s = server.accept(WAIT);
            assertNotNull(s);
            CompletableFuture<DisconnectReason> serverSide = s.closeFuture();
            CompletableFuture<DisconnectReason> clientSide = c.closeFuture();
            // Completing the copy handed out changes nothing inside.
            c.closeFuture().complete(new DisconnectReason(DisconnectCode.APPLICATION, "forged", false));
            assertTrue(c.isOpen());
            c.close("bye");
            DisconnectReason atServer = serverSide.get(10, TimeUnit.SECONDS);
            assertEquals(DisconnectCode.APPLICATION, atServer.code());
            assertEquals("bye", atServer.text());
            assertEquals(DisconnectCode.APPLICATION, clientSide.get(10, TimeUnit.SECONDS).code());
            assertEquals(MessageConnection.State.CLOSED, c.state());
        }
    }

    @Test
    void connectAsyncFailsWithTheReasonWhenNobodyAnswers() throws Exception {
        ConnectionConfig quick = ConnectionConfig.builder().connectTimeout(Duration.ofMillis(300)).build();
        try (DatagramChannel silent = DatagramChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             MessageClient client = MessageClient.open(quick)) {
            CompletableFuture<MessageConnection> f = client.connectAsync(
                    (InetSocketAddress) silent.getLocalAddress(), ByteBuffer.allocate(0), null);
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            ConnectFailedException failed = assertInstanceOf(ConnectFailedException.class, e.getCause());
            assertEquals(DisconnectCode.CONNECT_TIMED_OUT, failed.reason().code());
        }
    }

    @Test
    void statsNeverWaitAndCatchUpWithinOneCall() throws Exception {
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().build());
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(WAIT);
            long before = c.stats().messagesSent();
            for (int i = 0; i < 10; i++) {
                c.send(0, new byte[100]);
            }
            for (int i = 0; i < 10; i++) {
                assertNotNull(s.receive(WAIT));
            }
            assertEquals(before + 10, c.statsAsync().get(10, TimeUnit.SECONDS).messagesSent());
            // stats() now returns what statsAsync published, without a round trip to the I/O thread.
            assertEquals(before + 10, c.stats().messagesSent());
            c.close();
            c.closeFuture().get(10, TimeUnit.SECONDS);
            assertEquals(before + 10, c.stats().messagesSent(), "after the end: the final counters");
        }
    }
}
