package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/PROTOCOL.md section 2 through real sockets: both ends accept every datagram up to 1472 bytes whatever their
 * own sending maximum, so a client sending 1472-byte datagrams is served by a server left at its defaults (1200).
 */
@Timeout(60)
class DatagramSizeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void aServerWithDefaultsTakesDatagramsOf1472Bytes(ServerMode mode) throws Exception {
        ConnectionConfig large = ConnectionConfig.builder().maxDatagramSize(1472).pathMtuDiscovery(false).build();
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().mode(mode).shards(2).build());
             MessageClient client = MessageClient.open(large)) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(WAIT);
            assertNotNull(s);
            // Messages that fill a 1472-byte datagram whole, and one that takes several such fragments.
            int whole = large.maxWholePayload();
            assertTrue(whole > 1200, "a whole message of " + whole + " bytes needs a datagram above 1200");
            byte[][] sent = {filled(whole, 1), filled(whole, 2), filled(5 * large.maxFragmentPayload(), 3)};
            for (byte[] m : sent) {
                c.send(0, m);
            }
            for (byte[] m : sent) {
                Message got = s.receive(WAIT);
                assertNotNull(got, "a message of " + m.length + " bytes never arrived");
                assertArrayEquals(m, got.data());
            }
            ConnectionStats stats = c.stats();
            assertEquals(1472, stats.datagramSize());
            assertEquals(0, server.stats().sockets().oversize());
            // The server answers with its own maximum, 1200, and the client takes that too.
            s.send(0, filled(3000, 4));
            Message back = c.receive(WAIT);
            assertNotNull(back);
            assertEquals(3000, back.data().length);
        }
    }

    private static byte[] filled(int length, int seed) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) seed);
        ByteBuffer.wrap(b).putInt(0, seed);
        return b;
    }
}
