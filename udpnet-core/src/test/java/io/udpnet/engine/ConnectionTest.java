package io.udpnet.engine;

import io.udpnet.CongestionConfig;
import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.wire.Crc;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.PacketHeader;
import io.udpnet.wire.WireFormat;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection state machine fed with hand-made datagrams, or with a second connection over a perfect link. */
class ConnectionTest {
    private static final long KEEP_ALIVE = ConnectionConfig.defaults().keepAliveNanos();
    private static final long TOKEN = 0x0102030405060708L;
    private static final long MS = 1_000_000;
    /** Initial PTO: srtt 100 ms + max(4 * rttvar 50 ms, 1 ms) + max ack delay 5 ms (PROTOCOL.md section 5). */
    private static final long INITIAL_PTO = 305 * MS;

    private final Deliveries got = new Deliveries();
    private final ByteBuffer out = ByteBuffer.allocate(1500);

    /** Builds a datagram: header, then packets added with the methods below, then {@link #seal}. */
    static final class Datagram {
        final ByteBuffer b = ByteBuffer.allocate(1500);
        int at = DataHeader.LENGTH;

        Datagram(long token, int seq, int ack, long bits, int ackDelay) {
            DataHeader.write(b, token, seq, ack, bits, ackDelay);
        }

        static Datagram of(int seq) {
            return new Datagram(TOKEN, seq, 0, 0, WireFormat.ACK_DELAY_NONE);
        }

        Datagram message(int channel, int msgSeq, byte[] payload) {
            PacketHeader.writeMessage(b, at, channel, msgSeq, payload.length);
            b.put(at + PacketHeader.MESSAGE_HEADER, payload);
            at += PacketHeader.MESSAGE_HEADER + payload.length;
            return this;
        }

        Datagram fragment(int channel, int msgSeq, int index, int count, int length, int payloadLength) {
            PacketHeader.writeFragment(b, at, channel, msgSeq, payloadLength, index, count, length);
            at += PacketHeader.FRAGMENT_HEADER + payloadLength;
            return this;
        }

        Datagram raw(int... bytes) {
            for (int x : bytes) {
                b.put(at++, (byte) x);
            }
            return this;
        }

        ByteBuffer seal() {
            int len = at + WireFormat.CRC_SIZE;
            new Crc().seal(b, len);
            return b.duplicate().position(0).limit(len);
        }
    }

    /** The data path's own rules, without congestion control (tested on its own and in simulation). */
    private static ConnectionConfig unthrottled(ConnectionConfig config) {
        return config.toBuilder().congestion(CongestionConfig.builder()
                .algorithm(CongestionConfig.Algorithm.NONE).build()).build();
    }

    private Connection connection(ConnectionConfig config) {
        return Connection.established(unthrottled(config), TOKEN, got);
    }

    /** Collects every datagram the connection wants to send now. */
    private List<ByteBuffer> drain(Connection c, long now) {
        List<ByteBuffer> r = new ArrayList<>();
        for (int n; (n = c.pollTransmit(out, now)) > 0; ) {
            ByteBuffer copy = ByteBuffer.allocate(n);
            copy.put(0, out, 0, n);
            r.add(copy);
        }
        return r;
    }

    @Test
    void foreignCorruptedAndOtherConnectionsDatagramsAreCountedAndIgnored() {
        Connection c = connection(ConnectionConfig.defaults());
        byte[] hi = {'h', 'i'};
        ByteBuffer good = Datagram.of(0).message(0, 0, hi).seal();

        c.handleDatagram(ByteBuffer.allocate(29), 0);
        ByteBuffer wrongId = copy(good);
        wrongId.put(0, (byte) 0x55);
        wrongId.put(1, (byte) 0x4F);
        c.handleDatagram(wrongId, 0);
        ByteBuffer wrongVersion = copy(good);
        wrongVersion.put(DataHeader.VERSION_OFFSET, (byte) 2);
        c.handleDatagram(wrongVersion, 0);
        ByteBuffer controlKind = copy(good);
        controlKind.put(DataHeader.KIND_OFFSET, WireFormat.KIND_CONTROL_FIRST);
        c.handleDatagram(controlKind, 0);
        assertEquals(4, c.stats().foreignDatagrams());

        ByteBuffer corrupted = copy(good);
        corrupted.put(DataHeader.LENGTH + PacketHeader.MESSAGE_HEADER, (byte) 'H');
        c.handleDatagram(corrupted, 0);
        assertEquals(1, c.stats().badChecksums());

        c.handleDatagram(new Datagram(TOKEN + 1, 0, 0, 0, WireFormat.ACK_DELAY_NONE).message(0, 0, hi).seal(), 0);
        assertEquals(1, c.stats().wrongToken());

        assertEquals(0, got.size());
        assertEquals(0, c.stats().datagramsReceived());
        assertEquals(0, c.pollTransmit(out, 1_000 * MS), "nothing to acknowledge");
        // None of them marked sequence 0 as seen: the real datagram 0 is taken.
        c.handleDatagram(good, 0);
        assertEquals(1, got.size());
        assertArrayEquals(hi, got.all.get(0).bytes());
    }

    @Test
    void datagramNotStartingAtIndexZeroIsRead() {
        Connection c = connection(ConnectionConfig.defaults());
        ByteBuffer good = Datagram.of(0).message(0, 0, new byte[]{1, 2, 3}).seal();
        ByteBuffer shifted = ByteBuffer.allocate(good.remaining() + 10);
        shifted.position(10);
        shifted.put(good.duplicate());
        shifted.position(10);
        c.handleDatagram(shifted, 0);
        assertEquals(shifted.limit(), shifted.position(), "consumed");
        assertArrayEquals(new byte[]{1, 2, 3}, got.all.get(0).bytes());
    }

    @Test
    void duplicateDatagramIsDroppedAndMalformedOneActsOnNothing() {
        Connection c = connection(ConnectionConfig.defaults());
        ByteBuffer d = Datagram.of(0).message(3, 0, new byte[]{9}).seal();
        c.handleDatagram(copy(d), 0);
        c.handleDatagram(copy(d), 0);
        assertEquals(1, got.size());
        assertEquals(1, c.stats().duplicateDatagrams());
        // A valid unreliable message followed by a reserved packet type: nothing is delivered.
        c.handleDatagram(Datagram.of(1).message(3, 1, new byte[]{7}).raw(0x05).seal(), 0);
        assertEquals(1, got.size());
        assertEquals(1, c.stats().malformedDatagrams());
        // A channel that does not exist (4 channels by default).
        c.handleDatagram(Datagram.of(2).message(4, 0, new byte[]{7}).seal(), 0);
        assertEquals(2, c.stats().malformedDatagrams());
        assertEquals(1, got.size());
    }

    @Test
    void ackFieldsNamingASequenceNotYetSentAreIgnored() {
        Connection a = connection(ConnectionConfig.defaults());
        for (int i = 0; i < 3; i++) {
            assertTrue(a.send(0, ByteBuffer.allocate(1000)));
        }
        // 1000-byte messages: one per datagram; sequences 0, 1, 2.
        assertEquals(3, drain(a, 0).size());
        assertEquals(3, a.datagramsInFlight());
        // ack 3 names a datagram never sent; its bits would acknowledge 2, 1 and 0.
        a.handleDatagram(new Datagram(TOKEN, 0, 3, 0b111, 0).seal(), MS);
        assertEquals(3, a.datagramsInFlight());
        assertEquals(3, a.queuedMessages(0));
        assertFalse(a.rtt().hasSample());
        // "Nothing received yet" (0xFFFF): ack fields carry no information.
        a.handleDatagram(new Datagram(TOKEN, 1, 2, 0b11, WireFormat.ACK_DELAY_NONE).seal(), MS);
        assertEquals(3, a.datagramsInFlight());
        // A real ack.
        a.handleDatagram(new Datagram(TOKEN, 2, 2, 0b11, 0).seal(), 10 * MS);
        assertEquals(0, a.datagramsInFlight());
        assertEquals(0, a.queuedMessages(0));
        assertEquals(10 * MS, a.rtt().smoothedNanos(), "sample: sent at 0, acked at 10 ms");
    }

    @Test
    void wrongTokenDatagramDoesNotAcknowledgeAnything() {
        Connection a = connection(ConnectionConfig.defaults());
        a.send(0, ByteBuffer.allocate(10));
        drain(a, 0);
        a.handleDatagram(new Datagram(TOKEN ^ 1, 0, 0, 0, 0).seal(), MS);
        assertEquals(1, a.datagramsInFlight());
    }

    @Test
    void datagramWithARefusedReliablePacketIsSeenButNotAcknowledged() {
        ConnectionConfig config = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED)
                .maxMessageSize(4096).receiveBufferBytes(4096).build();
        Connection b = connection(config);
        // Message 1 (4000 bytes in 4, stride 1000) is held: 4000 of 4096 bytes. Message 0 has not arrived.
        b.handleDatagram(Datagram.of(0).fragment(0, 1, 0, 4, 4000, 1000).seal(), 0);
        // Message 2 (200 bytes in 2) does not fit: refused.
        b.handleDatagram(Datagram.of(1).fragment(0, 2, 0, 2, 200, 100).seal(), 0);
        b.handleDatagram(Datagram.of(2).raw(PacketHeader.TYPE_PING).seal(), 0);
        assertEquals(1, b.stats().refusedDatagrams());
        assertEquals(4000, b.receiveBufferedBytes());
        List<ByteBuffer> acks = drain(b, 0);
        assertEquals(1, acks.size(), "out-of-order arrival: ack at once");
        ByteBuffer ack = acks.get(0);
        assertEquals(2, DataHeader.ack(ack));
        // bit 0 = sequence 1 (refused, not acknowledged), bit 1 = sequence 0.
        assertEquals(0b10, DataHeader.ackBits(ack));
        // The refused datagram is not processed twice either.
        b.handleDatagram(Datagram.of(1).fragment(0, 2, 0, 2, 200, 100).seal(), 0);
        assertEquals(1, b.stats().duplicateDatagrams());
        // Message 0 arrives: it is at base, so it is always taken, whatever the budget.
        b.handleDatagram(Datagram.of(3).message(0, 0, new byte[500]).seal(), 0);
        assertEquals(1, got.size());
        assertEquals(1, b.stats().refusedDatagrams());
    }

    @Test
    void refusedPacketsAreRetransmittedUntilTaken() {
        ConnectionConfig config = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED)
                .maxMessageSize(4096).receiveBufferBytes(4096).build();
        Connection a = Connection.established(unthrottled(config), TOKEN, (ch, buf, off, len) -> { });
        Connection b = connection(config);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] m = Deliveries.bytes(i, i == 0 ? 10 : 3000);
            assertTrue(a.send(0, ByteBuffer.wrap(m)));
            sent.add(m);
        }
        long now = 0;
        boolean first = true;
        for (int round = 0; round < 2000 && got.size() < sent.size(); round++) {
            for (ByteBuffer d : drain(a, now)) {
                if (first) {
                    first = false; // message 0's datagram is lost
                    continue;
                }
                b.handleDatagram(d, now);
            }
            for (ByteBuffer d : drain(b, now)) {
                a.handleDatagram(d, now);
            }
            now += MS;
        }
        assertTrue(b.stats().refusedDatagrams() > 0, "the receive budget ran out: " + b.stats());
        assertTrue(a.stats().retransmissions() > 0);
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), got.all.get(i).bytes(), "message " + i);
        }
    }

    @Test
    void datagramWhoseLaterOnesWereAckedIsRetransmitted() {
        Connection a = connection(ConnectionConfig.defaults());
        for (int i = 0; i < 5; i++) {
            a.send(1, ByteBuffer.wrap(Deliveries.bytes(i, 1000)));
        }
        assertEquals(5, drain(a, 0).size());
        // 4, 3, 2 and 1 acknowledged, 0 not: 0 is 4 sequences older than the ack, lost.
        a.handleDatagram(new Datagram(TOKEN, 0, 4, 0b0111, 0).seal(), MS);
        assertEquals(1, a.stats().datagramsLost());
        List<ByteBuffer> again = drain(a, MS);
        assertEquals(1, again.size());
        ByteBuffer d = again.get(0);
        assertEquals(5, DataHeader.sequence(d), "a new sequence");
        assertEquals(PacketHeader.TYPE_MESSAGE, PacketHeader.type(d, DataHeader.LENGTH));
        assertEquals(0, PacketHeader.sequence(d, DataHeader.LENGTH), "message 0");
        byte[] payload = new byte[1000];
        d.get(DataHeader.LENGTH + PacketHeader.MESSAGE_HEADER, payload);
        assertArrayEquals(Deliveries.bytes(0, 1000), payload);
        assertEquals(1, a.stats().retransmissions());
    }

    @Test
    void nextDeadlineAfterSendingReliableDataIsTheProbeTimeOut() {
        Connection a = connection(ConnectionConfig.defaults());
        assertEquals(KEEP_ALIVE, a.nextDeadline(), "idle: the keep-alive");
        a.send(0, ByteBuffer.wrap(new byte[]{1, 2, 3}));
        assertEquals(Long.MIN_VALUE, a.nextDeadline(), "something to send now");
        long t0 = 7 * MS;
        assertEquals(1, drain(a, t0).size());
        assertEquals(t0 + INITIAL_PTO, a.nextDeadline());
        assertEquals(0, a.pollTransmit(out, t0 + INITIAL_PTO - 1), "not yet");
        // At the deadline the datagram is declared lost and two probes go: its message again, then a PING.
        List<ByteBuffer> probe = drain(a, t0 + INITIAL_PTO);
        assertEquals(2, probe.size());
        assertEquals(0, PacketHeader.sequence(probe.get(0), DataHeader.LENGTH));
        assertEquals(PacketHeader.TYPE_PING, PacketHeader.type(probe.get(1), DataHeader.LENGTH));
        assertEquals(1, a.stats().retransmissions());
        assertEquals(t0 + 3 * INITIAL_PTO, a.nextDeadline(), "backed off: twice the PTO after the probe");
    }

    @Test
    void probeTimeOutWithNothingToRetransmitSendsAPing() {
        Connection a = connection(ConnectionConfig.defaults());
        a.send(3, ByteBuffer.allocate(10));
        drain(a, 0);
        assertEquals(0, a.queuedMessages(3), "unreliable: released once sent");
        assertEquals(INITIAL_PTO, a.nextDeadline());
        List<ByteBuffer> probe = drain(a, INITIAL_PTO);
        assertEquals(2, probe.size(), "two probes, as RFC 9002 suggests");
        for (ByteBuffer p : probe) {
            assertEquals(PacketHeader.TYPE_PING, PacketHeader.type(p, DataHeader.LENGTH));
            assertEquals(DataHeader.OVERHEAD + 1, p.remaining());
        }
        assertEquals(0, a.stats().retransmissions());
    }

    @Test
    void ackIsDelayedByAtMostTheMaximumAckDelay() {
        Connection b = connection(ConnectionConfig.defaults());
        b.handleDatagram(Datagram.of(0).message(3, 0, new byte[1]).seal(), 10 * MS);
        assertEquals(15 * MS, b.nextDeadline());
        assertEquals(0, b.pollTransmit(out, 15 * MS - 1));
        int n = b.pollTransmit(out, 15 * MS);
        assertEquals(DataHeader.OVERHEAD, n, "an ack-only datagram");
        assertEquals(0, DataHeader.ack(out));
        // 5 ms = 312.5 units of 16 us.
        assertEquals(312, DataHeader.ackDelay(out));
        assertEquals(10 * MS + KEEP_ALIVE, b.nextDeadline(), "only the keep-alive is left, 2 s after the datagram");
    }

    @Test
    void ackOnlyDatagramIsNotAnswered() {
        Connection b = connection(ConnectionConfig.defaults());
        b.handleDatagram(Datagram.of(0).seal(), 0);
        b.handleDatagram(Datagram.of(2).seal(), 0);
        assertEquals(2, b.stats().datagramsReceived());
        assertEquals(0, b.pollTransmit(out, 1_000 * MS));
        assertEquals(KEEP_ALIVE, b.nextDeadline(), "no ack due: only the keep-alive of an idle connection");
    }

    @Test
    void backPressureFromSendClearsAfterAcks() {
        ConnectionConfig config = ConnectionConfig.builder().sendWindow(16).maxMessageSize(4096)
                .sendBufferBytes(8192).build();
        Connection a = Connection.established(unthrottled(config), TOKEN, (ch, buf, off, len) -> { });
        Connection b = connection(config);
        for (int i = 0; i < 16; i++) {
            assertTrue(a.send(0, ByteBuffer.allocate(1)));
        }
        assertFalse(a.canSend(0, 1));
        assertFalse(a.send(0, ByteBuffer.allocate(1)), "window of 16 messages full");
        assertTrue(a.send(1, ByteBuffer.allocate(4096)), "another channel has its own window");
        assertTrue(a.send(1, ByteBuffer.allocate(4096 - 16)));
        assertFalse(a.send(1, ByteBuffer.allocate(1)), "8192-byte send buffer full");
        assertEquals(2, a.stats().messagesSent() - 16);
        long now = 0;
        for (int round = 0; round < 10; round++) {
            for (ByteBuffer d : drain(a, now)) {
                b.handleDatagram(d, now);
            }
            for (ByteBuffer d : drain(b, now)) {
                a.handleDatagram(d, now);
            }
            now += MS;
        }
        assertEquals(18, got.size());
        assertEquals(0, a.queuedMessages(0));
        assertTrue(a.canSend(0, 1));
        assertTrue(a.send(0, ByteBuffer.allocate(1)));
        assertTrue(a.send(1, ByteBuffer.allocate(4096)));
    }

    /**
     * The clock is the caller's: System.nanoTime(), for one, may be negative. Moving the time origin must not
     * change what the connection does.
     */
    @Test
    void negativeClockValuesWorkLikeAnyOther() {
        long origin = -3_600_000 * MS;
        Connection a = connection(ConnectionConfig.defaults());
        a.send(0, ByteBuffer.allocate(10));
        drain(a, origin);
        // Two probe time-outs: the back-off doubles twice.
        drain(a, origin + INITIAL_PTO);
        drain(a, origin + 3 * INITIAL_PTO);
        assertEquals(origin + 7 * INITIAL_PTO, a.nextDeadline());
        // The peer acknowledges datagram 4 (the second time-out's second probe) 10 ms after it was sent.
        a.handleDatagram(new Datagram(TOKEN, 0, 4, 0, 0).seal(), origin + 3 * INITIAL_PTO + 10 * MS);
        assertTrue(a.rtt().hasSample(), "an RTT sample was taken");
        assertEquals(10 * MS, a.rtt().smoothedNanos());
        a.send(0, ByteBuffer.allocate(10));
        long t = origin + 4 * INITIAL_PTO;
        drain(a, t);
        // New PTO: srtt 10 + 4 * rttvar 5 + 5 = 35 ms, without back-off.
        assertEquals(t + 35 * MS, a.nextDeadline());
    }

    @Test
    void datagramOfTheLargestSizeIsAcceptedWhateverTheConfiguredSize() {
        // PROTOCOL.md section 2: both ends accept datagrams up to 1472 bytes. 1472 - 30 - 6 = 1436 bytes of payload.
        Connection c = connection(ConnectionConfig.defaults());
        byte[] m = Deliveries.bytes(5, 1436);
        ByteBuffer d = Datagram.of(0).message(0, 0, m).seal();
        assertEquals(1472, d.remaining());
        c.handleDatagram(d, 0);
        assertEquals(1, got.size());
        assertArrayEquals(m, got.all.get(0).bytes());
    }

    /**
     * PROTOCOL.md section 3, receiver rule 5: a fragment that contradicts earlier fragments of its message is a
     * protocol violation found while packets are acted on; the connection is closed.
     */
    @Test
    void aContradictingFragmentClosesTheConnection() {
        Connection c = connection(ConnectionConfig.defaults());
        c.handleDatagram(Datagram.of(0).fragment(0, 1, 0, 2, 100, 50).seal(), 0);
        c.handleDatagram(Datagram.of(1).message(3, 0, new byte[]{42}).fragment(0, 1, 1, 2, 102, 51).seal(), 0);
        assertEquals(1, c.stats().malformedDatagrams());
        assertEquals(Connection.State.CLOSING, c.state());
        assertEquals(DisconnectCode.PROTOCOL_VIOLATION, c.disconnectReason().code());
        assertTrue(c.pollTransmit(out, 0) > 0, "the peer is told why");
        assertEquals(PacketHeader.TYPE_DISCONNECT, PacketHeader.type(out, DataHeader.LENGTH));
    }

    /**
     * Regression: on a long round trip the loss timer can empty the flight after the keep-alive interval has passed;
     * the keep-alive must then go in the same poll, or the connection is left with a deadline in the past.
     */
    @Test
    void keepAliveGoesWhenTheLossTimerEmptiesTheFlight() {
        Connection a = connection(ConnectionConfig.builder().keepAlive(Duration.ofSeconds(2)).build());
        a.send(3, ByteBuffer.allocate(10));                     // unreliable: nothing to retransmit later
        assertEquals(1, drain(a, 0).size());                    // datagram 0
        a.send(3, ByteBuffer.allocate(10));
        assertEquals(1, drain(a, 100 * MS).size());             // datagram 1
        // The peer acknowledges 1 only, late: a 1.95 s sample, so the loss time threshold of 0 is srtt + 4 rttvar.
        a.handleDatagram(new Datagram(TOKEN, 0, 1, 0, 0).seal(), 2_050 * MS);
        long lossTime = a.nextDeadline();
        assertTrue(lossTime > 2_100 * MS, "loss timer past the keep-alive interval: " + lossTime);
        List<ByteBuffer> sent = drain(a, lossTime);
        assertEquals(1, sent.size(), "the keep-alive goes in the poll that declared datagram 0 lost");
        assertEquals(PacketHeader.TYPE_PING, PacketHeader.type(sent.get(0), DataHeader.LENGTH));
        assertTrue(a.nextDeadline() > lossTime, "no deadline left in the past");
    }

    @Test
    void sendRejectsWhatCanNeverBeSent() {
        Connection a = connection(ConnectionConfig.builder().maxMessageSize(100_000).build());
        IllegalArgumentException noChannel = assertThrows(IllegalArgumentException.class,
                () -> a.send(4, ByteBuffer.allocate(1)));
        assertTrue(noChannel.getMessage().contains("channel 4"), noChannel.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.send(-1, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> a.send(0, ByteBuffer.allocate(100_001)));
        assertFalse(a.canSend(0, 100_001));
        // Channel 3 is unreliable: at most 32 fragments of 1156 bytes.
        assertThrows(IllegalArgumentException.class, () -> a.send(3, ByteBuffer.allocate(32 * 1156 + 1)));
        assertTrue(a.send(3, ByteBuffer.allocate(32 * 1156)));
        assertTrue(a.send(0, ByteBuffer.allocate(100_000)));
        assertEquals(2, a.stats().messagesSent());
    }

    @Test
    void atMost512ElicitingDatagramsAreInFlight() {
        Connection a = connection(ConnectionConfig.defaults());
        for (int i = 0; i < 600; i++) {
            assertTrue(a.send(1, ByteBuffer.allocate(1000)));
        }
        assertEquals(512, drain(a, 0).size());
        assertEquals(512, a.datagramsInFlight());
        assertEquals(INITIAL_PTO, a.nextDeadline(), "waiting: not 'now'");
        // ack 511 and its 64 bits acknowledge 447..511; the 447 older ones are lost (packet threshold) and go first.
        a.handleDatagram(new Datagram(TOKEN, 0, 511, -1L, 0).seal(), MS);
        assertEquals(0, a.datagramsInFlight());
        assertEquals(447, a.stats().datagramsLost());
        List<ByteBuffer> next = drain(a, MS);
        assertEquals(512, next.size());
        assertEquals(0, PacketHeader.sequence(next.get(0), DataHeader.LENGTH), "message 0 first");
        assertEquals(512, DataHeader.sequence(next.get(0)));
    }

    /**
     * Both ends send: the peer's ack field names this end's latest (ack-only) datagram and acknowledges the probe
     * through its bits. The time-out that followed is over, yet the next probe time-out is still doubled.
     */
    @Test
    void probeBackOffEndsWhenTheProbeIsAcknowledged() {
        Connection a = connection(ConnectionConfig.defaults());
        a.send(0, ByteBuffer.allocate(10));
        drain(a, 0);                                  // datagram 0, lost
        assertEquals(2, drain(a, INITIAL_PTO).size()); // datagrams 1 and 2, the probes: message 0 again, a PING
        long t = INITIAL_PTO + MS;
        // The peer sends two ack-eliciting datagrams (not yet acknowledging anything): an ack is due at once.
        a.handleDatagram(Datagram.of(0).raw(PacketHeader.TYPE_PING).seal(), t);
        a.handleDatagram(Datagram.of(1).raw(PacketHeader.TYPE_PING).seal(), t);
        List<ByteBuffer> ackOnly = drain(a, t);
        assertEquals(1, ackOnly.size());
        assertEquals(3, DataHeader.sequence(ackOnly.get(0)));
        // The peer acknowledges 3 (ack-only) and, in bits 0 and 1, 2 and 1 (the probes).
        a.handleDatagram(new Datagram(TOKEN, 2, 3, 0b11, 0).seal(), t + 10 * MS);
        assertEquals(0, a.datagramsInFlight());
        assertEquals(0, a.queuedMessages(0));
        // Later, new data: its probe time-out is not backed off.
        long later = 2_000 * MS;
        a.send(0, ByteBuffer.allocate(10));
        drain(a, later);
        assertEquals(later + INITIAL_PTO, a.nextDeadline());
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(0, b, b.position(), b.remaining());
        return c;
    }
}
