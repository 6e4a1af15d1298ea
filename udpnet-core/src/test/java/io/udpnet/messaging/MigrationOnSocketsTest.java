package io.udpnet.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.ConnectionConfig;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A client whose address changes (a NAT rebinding) keeps its connection, whichever socket its new address reaches. */
@Timeout(120)
class MigrationOnSocketsTest {

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void aConnectionFollowsItsClientToANewPort(ServerMode mode) throws Exception {
        try (MessageServer server = MessagingEchoTest.server(mode);
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(MessagingEchoTest.WAIT);
            Thread.startVirtualThread(() -> MessagingEchoTest.echo(s));
            roundTrip(c, "before");
            InetSocketAddress first = s.remoteAddress();
            // SHARDED: rebind until the kernel routes the new address to the other socket (each try is a coin flip).
            for (int i = 0; i < 40; i++) {
                InetSocketAddress before = s.remoteAddress();
                client.rebind(c);
                roundTrip(c, "after move " + i);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (s.remoteAddress().equals(before) && System.nanoTime() < deadline) {
                    roundTrip(c, "waiting for the move " + i);
                }
                assertNotEquals(before, s.remoteAddress(), "the server did not follow move " + i);
                if (mode != ServerMode.SHARDED || server.stats().forwarded() > 0) {
                    break;
                }
            }
            assertNotEquals(first, s.remoteAddress());
            if (mode == ServerMode.SHARDED) {
                assertTrue(server.stats().forwarded() > 0, "no move landed on the other shard");
            }
            for (int i = 0; i < 20; i++) {
                roundTrip(c, "settled " + i);
            }
        }
    }

    private static void roundTrip(MessageConnection c, String text) throws Exception {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        c.send(0, data);
        Message m = c.receive(MessagingEchoTest.WAIT);
        assertNotNull(m, "no echo for '" + text + "'");
        assertArrayEquals(data, m.data());
    }
}
