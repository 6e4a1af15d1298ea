package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two connections wired back to back with a perfect link: everything sent arrives, in order, byte-exact. */
class DirectPumpTest {

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void mixedSizesArriveIntactOnEveryMode(Delivery delivery) {
        ConnectionConfig config = ConnectionConfig.builder().channels(delivery).build();
        List<byte[]> received = new ArrayList<>();
        Connection a = Connection.established(config, 42, (ch, b, off, len) -> { });
        Connection b = Connection.established(config, 42, (ch, buf, off, len) -> {
            byte[] m = new byte[len];
            buf.get(off, m);
            received.add(m);
        });
        int[] sizes = delivery.isReliable() ? new int[]{0, 1, 32, 1164, 1165, 5000, 100_000, 32}
                : new int[]{0, 1, 32, 1164, 1165, 5000, 30_000, 32};
        List<byte[]> sent = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocate(1500);
        long now = 0;
        for (int round = 0; round < 20; round++) {
            for (int s : sizes) {
                byte[] m = new byte[s];
                for (int i = 0; i < s; i++) {
                    m[i] = (byte) (i * 31 + s + round);
                }
                if (a.send(0, ByteBuffer.wrap(m))) {
                    sent.add(m);
                }
                for (int n = 0; n < 1000; n++) {
                    boolean moved = false;
                    if (a.pollTransmit(out, now) > 0) {
                        b.handleDatagram(out, now);
                        moved = true;
                    }
                    if (b.pollTransmit(out, now) > 0) {
                        a.handleDatagram(out, now);
                        moved = true;
                    }
                    now += 1_000_000;
                    if (!moved) {
                        break;
                    }
                }
            }
        }
        assertEquals(sent.size(), received.size(), a.stats() + " / " + b.stats());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), received.get(i), "message " + i);
        }
        assertEquals(0, a.stats().retransmissions());
    }
}
