package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.engine.Admission;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.DisconnectReason;
import io.udpnet.engine.ServerEndpoint;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On loopback: a server that crashes (no goodbye) and is started again on the same port with the same reset key
 * answers its old client's next datagram with a stateless reset, and the client closes at once, not after its
 * 30 s idle time-out.
 */
@Timeout(60)
class StatelessResetOnSocketsTest {

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void aClientOfACrashedServerLearnsFromTheRestartedOneAtOnce(ServerMode mode) throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ServerEndpointConfig limits = ServerEndpointConfig.builder().resetKey(key).build();
        ConnectionConfig config = ConnectionConfig.defaults();
        InetSocketAddress address;
        try (MessageClient client = MessageClient.open(config)) {
            MessageConnection c;
            // The first run of the server: an engine endpoint on a plain socket, driven here, so that it can vanish
            // without a word, as a crashed process does.
            try (DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
                socket.configureBlocking(false);
                address = (InetSocketAddress) socket.getLocalAddress();
                ServerEndpoint first = new ServerEndpoint(config, limits,
                        (from, payload) -> Admission.accept((channel, b, offset, length) -> { }), new SecureRandom());
                CompletableFuture<MessageConnection> connecting = client.connectAsync(address, ByteBuffer.allocate(0),
                        null);
                ByteBuffer in = ByteBuffer.allocate(2048);
                ByteBuffer out = ByteBuffer.allocate(2048);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                long confirmUntil = Long.MAX_VALUE;
                while (System.nanoTime() < Math.min(deadline, confirmUntil)) {
                    if (connecting.isDone() && confirmUntil == Long.MAX_VALUE) {
                        confirmUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);   // its first datagram
                    }
                    in.clear();
                    SocketAddress from = socket.receive(in);
                    long now = System.nanoTime();
                    if (from != null) {
                        first.handleDatagram((InetSocketAddress) from, in.flip(), now);
                    } else {
                        Thread.sleep(1);
                    }
                    InetSocketAddress to;
                    while ((to = first.pollTransmit(out, now)) != null) {
                        socket.send(out, to);
                    }
                }
                c = connecting.get(1, TimeUnit.SECONDS);
                assertEquals(1, first.connectionCount());
            }
            try (MessageServer restarted = MessageServer.open(MessageServerConfig.builder().bindAddress(address)
                    .mode(mode).connection(config).server(limits).build())) {
                long sentAt = System.nanoTime();
                c.send(0, new byte[]{1, 2, 3});
                DisconnectReason reason = c.closeFuture().get(5, TimeUnit.SECONDS);
                long took = System.nanoTime() - sentAt;
                assertEquals(DisconnectCode.RESET, reason.code(), reason.toString());
                assertTrue(took < Duration.ofSeconds(5).toNanos(), "took " + took / 1e6 + " ms");
                assertTrue(restarted.stats().endpoints().stream().mapToLong(e -> e.resets()).sum() >= 1,
                        restarted.stats().toString());
            }
        }
    }
}
