package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.PacketHeader;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules of docs/PROTOCOL.md pinned down here: empty messages (section 4) and how an end closes (section 8.2). */
class ProtocolRulesTest {
    private static final long TOKEN = 0x0102030405060708L;
    private final ByteBuffer out = ByteBuffer.allocate(1500);

    private List<ByteBuffer> drain(Connection c, long now) {
        List<ByteBuffer> r = new ArrayList<>();
        for (int n; (n = c.pollTransmit(out, now)) > 0; ) {
            r.add(ByteBuffer.allocate(n).put(0, out, 0, n));
        }
        return r;
    }

    @Test
    void anEmptyMessageIsDeliveredOnEveryChannel() {
        ConnectionConfig config = ConnectionConfig.defaults();
        Deliveries got = new Deliveries();
        Connection a = Connection.established(config, TOKEN, (ch, b, off, len) -> { });
        Connection b = Connection.established(config, TOKEN, got);
        for (int channel = 0; channel < config.channelCount(); channel++) {
            assertTrue(a.send(channel, ByteBuffer.allocate(0)));
        }
        for (ByteBuffer d : drain(a, 0)) {
            b.handleDatagram(d, 0);
        }
        assertEquals(config.channelCount(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(0, got.all.get(i).bytes().length);
        }
        assertEquals(0, b.stats().malformedDatagrams());
    }

    @Test
    void closingSendsThreeDisconnectsBackToBackAndAbandonsUnacknowledgedData() {
        Connection a = Connection.established(ConnectionConfig.defaults(), TOKEN, (ch, b, off, len) -> { });
        while (a.send(0, ByteBuffer.allocate(1000))) {
            // fill the window
        }
        List<ByteBuffer> sent = drain(a, 0);
        assertTrue(a.queuedMessages(0) > sent.size(), "congestion window and pacing hold the rest back");
        int next = DataHeader.sequence(sent.get(sent.size() - 1)) + 1;
        int inFlight = a.datagramsInFlight();

        a.close("bye");
        List<ByteBuffer> bye = drain(a, 0);
        assertEquals(3, bye.size(), "three copies at once, whatever the window and pacing");
        for (int i = 0; i < 3; i++) {
            ByteBuffer d = bye.get(i);
            assertEquals(next + i, DataHeader.sequence(d), "consecutive sequences");
            assertEquals(PacketHeader.TYPE_DISCONNECT, PacketHeader.type(d, DataHeader.LENGTH));
            assertEquals(DataHeader.OVERHEAD + PacketHeader.DISCONNECT_HEADER + 3, d.limit(), "nothing else in it");
        }
        assertEquals(inFlight, a.datagramsInFlight(), "DISCONNECT is not ack-eliciting");
        assertEquals(Connection.State.CLOSED, a.state());
        assertEquals(0, a.pollTransmit(out, 10_000_000_000L), "nothing after, not even at the idle time-out");
    }
}
