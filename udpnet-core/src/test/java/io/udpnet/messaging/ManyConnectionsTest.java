package io.udpnet.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.ConnectionConfig;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** 1,000 concurrent connections to one server, each exchanging reliable messages with it. */
@Timeout(120)
class ManyConnectionsTest {
    private static final int CONNECTIONS = 1000;
    private static final int MESSAGES = 20;

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void thousandConnectionsExchangeReliableMessages(ServerMode mode) throws Exception {
        AtomicLong misordered = new AtomicLong();
        ConcurrentHashMap<MessageConnection, Integer> next = new ConcurrentHashMap<>();
        // The server echoes each message from its I/O thread and checks that each connection's arrive in order.
        MessageConnectionListener echo = new MessageConnectionListener() {
            @Override
            public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
                int seq = message.getInt(message.position() + 4);
                if (next.merge(c, 1, Integer::sum) != seq + 1) {
                    misordered.incrementAndGet();
                }
                try {
                    if (!c.trySend(channel, message)) {
                        misordered.incrementAndGet();   // the window of 1024 messages cannot fill in this test
                    }
                } catch (ConnectionClosedException e) {
                    misordered.incrementAndGet();
                }
            }
        };
        MessageServerConfig config = MessageServerConfig.builder().mode(mode).shards(2).listener(echo).build();
        try (MessageServer server = MessageServer.open(config);
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            List<MessageConnection> connections = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                connections.add(client.connect(server.localAddress()));
            }
            assertEquals(CONNECTIONS, server.connectionCount());
            // All connections send at once, then all replies are read.
            ByteBuffer msg = ByteBuffer.allocate(64);
            for (int m = 0; m < MESSAGES; m++) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    msg.clear().putInt(0, i).putInt(4, m);
                    connections.get(i).send(0, msg);
                }
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                MessageConnection c = connections.get(i);
                for (int m = 0; m < MESSAGES; m++) {
                    Message reply = c.receive(MessagingEchoTest.WAIT);
                    assertTrue(reply != null, "connection " + i + " reply " + m + " missing");
                    ByteBuffer b = ByteBuffer.wrap(reply.data());
                    assertEquals(i, b.getInt(0), "reply on the wrong connection");
                    assertEquals(m, b.getInt(4), "reply out of order");
                }
            }
            assertEquals(0, misordered.get());
            MessageServerStats stats = server.stats();
            assertEquals(CONNECTIONS, stats.accepted());
            assertEquals(0, stats.inboxDrops());
        }
    }
}
