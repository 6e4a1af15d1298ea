package io.udpnet.engine;

import io.udpnet.wire.DataHeader;
import io.udpnet.wire.PacketHeader;
import io.udpnet.wire.Seq;
import io.udpnet.wire.WireFormat;

import java.nio.ByteBuffer;

/**
 * The receive half of a {@link DataPath}: one datagram's way in. It checks the header, CRC and token, asks the
 * {@link AckTracker} whether the sequence is new, has every packet validated before any acts, then takes in the ack
 * fields (the sent log's verdicts, an RTT sample, congestion control) and hands each packet to its channel.
 *
 * <p>Kept apart from the send half because the two meet only in the state they share, which stays in the data path
 * (the sent log, channels, estimators, control packets, sequence numbers) and is read here through final fields;
 * this class owns what only arriving datagrams touch: the validator, the copy buffer, the pause flag and the time
 * of the last ack-eliciting datagram. It also stands between the channels and the application's listener, counting
 * each message delivered. Not thread-safe; allocates nothing in steady state.
 */
final class ReceiveSide implements MessageListener {
    private final DataPath path;
    private final MessageListener handler;
    /** A copy of a datagram that does not start at index 0 (the flyweights read from 0); made on first need. */
    private ByteBuffer scratch;
    private long lastElicitingReceivedAt = Long.MIN_VALUE;
    private boolean paused;

    ReceiveSide(DataPath path, MessageListener handler) {
        this.path = path;
        this.handler = handler;
    }

    /**
     * Processes one received datagram: the bytes between position and limit (consumed: position moves to limit).
     * Returns {@link DataPath#PROCESSED}, {@link DataPath#DROPPED} (counted) or {@link DataPath#VIOLATION}.
     */
    int handleDatagram(ByteBuffer datagram, long nowNanos) {
        ByteBuffer b = datagram;
        if (b.position() != 0) {
            b = copyToScratch(datagram);
        }
        int len = b.limit();
        datagram.position(datagram.limit());
        Counters stats = path.stats;
        if (len < DataHeader.OVERHEAD || DataHeader.protocolId(b) != (WireFormat.PROTOCOL_ID & 0xFFFF)
                || DataHeader.version(b) != WireFormat.VERSION || DataHeader.kind(b) != WireFormat.KIND_DATA) {
            stats.foreignDatagrams++;
            return DataPath.DROPPED;
        }
        if (!path.crc.verify(b, len)) {
            stats.badChecksums++;
            return DataPath.DROPPED;
        }
        if (DataHeader.token(b) != path.token()) {
            stats.wrongToken++;
            return DataPath.DROPPED;
        }
        AckTracker acks = path.acks;
        int seq = DataHeader.sequence(b);
        int seen = acks.classify(seq);
        if (seen != AckTracker.NEW) {
            if (seen == AckTracker.DUPLICATE) {
                stats.duplicateDatagrams++;
            } else {
                stats.tooOldDatagrams++;
            }
            return DataPath.DROPPED;
        }
        int end = len - WireFormat.CRC_SIZE;
        int verdict = PacketValidator.validate(path.config(), b, DataHeader.LENGTH, end);
        if (verdict == PacketValidator.MALFORMED) {
            stats.malformedDatagrams++;
            return DataPath.VIOLATION;
        }
        stats.datagramsReceived++;
        stats.bytesReceived += len;
        path.now = nowNanos;
        path.onBusy(PacketValidator.busySequence(verdict), nowNanos);
        processAcks(b, nowNanos);
        int result = processPackets(b, end);
        if (result == ChannelReceiver.REFUSED) {
            stats.refusedDatagrams++;
            path.control.onRefused(seq);
        }
        boolean eliciting = PacketValidator.eliciting(verdict);
        acks.onReceived(seq, result == ChannelReceiver.ACCEPTED, eliciting, nowNanos);
        if (PacketValidator.onlyPing(verdict)) {
            acks.ackAtOnce();
        }
        if (eliciting) {
            lastElicitingReceivedAt = nowNanos;
        }
        return result == ChannelReceiver.MALFORMED ? DataPath.VIOLATION : DataPath.PROCESSED;
    }

    private void processAcks(ByteBuffer b, long now) {
        int delayField = DataHeader.ackDelay(b);
        int ack = DataHeader.ack(b);
        // Ignore ack fields naming a sequence not sent yet: only a broken or hostile peer does that.
        if (delayField == WireFormat.ACK_DELAY_NONE || !Seq.newer(path.nextSeq(), ack)) {
            return;
        }
        path.now = now;
        SentLog sent = path.sent;
        RttEstimator rtt = path.rtt;
        long sentAt = sent.onAck(ack, DataHeader.ackBits(b), now);
        path.channels.releaseAcknowledged();
        // A saturated ack delay (over about a second) cannot be subtracted: such a sample would measure the peer's
        // wait, not the path.
        if (sentAt != SentLog.NO_SAMPLE && delayField != WireFormat.ACK_DELAY_NONE - 1) {
            rtt.update(now - sentAt, (long) delayField * WireFormat.ACK_DELAY_UNIT_NANOS);
        }
        sent.detectLosses(now, rtt.lossReferenceNanos(), rtt.lossFloorNanos());
        path.congestion.onAckProcessed(rtt, sent.bytesInFlight(), now);
    }

    /**
     * Hands every packet to its channel. Returns ACCEPTED, REFUSED when one was refused (the datagram must not be
     * acknowledged) or MALFORMED when one contradicted what came before.
     */
    private int processPackets(ByteBuffer b, int end) {
        ControlPackets control = path.control;
        Channels channels = path.channels;
        int outcome = ChannelReceiver.ACCEPTED;
        int at = DataHeader.LENGTH;
        while (at < end) {
            int type = PacketHeader.type(b, at);
            if (type == PacketHeader.TYPE_PADDING) {
                break;
            }
            int next = control.read(b, at, type);
            if (next >= 0) {
                at = next;
                continue;
            }
            int channel = PacketHeader.channel(b, at);
            int seq = PacketHeader.sequence(b, at);
            int len = PacketHeader.payloadLength(b, at);
            path.onMessageActivity();
            int result;
            if (paused) {
                result = ChannelReceiver.REFUSED;
                at += (type == PacketHeader.TYPE_MESSAGE ? PacketHeader.MESSAGE_HEADER : PacketHeader.FRAGMENT_HEADER)
                        + len;
            } else if (type == PacketHeader.TYPE_MESSAGE) {
                result = channels.receiver(channel).onMessage(seq, b, at + PacketHeader.MESSAGE_HEADER, len);
                at += PacketHeader.MESSAGE_HEADER + len;
            } else {
                result = channels.receiver(channel).onFragment(seq, PacketHeader.fragmentIndex(b, at),
                        PacketHeader.fragmentCount(b, at), (int) PacketHeader.messageLength(b, at),
                        b, at + PacketHeader.FRAGMENT_HEADER, len);
                at += PacketHeader.FRAGMENT_HEADER + len;
            }
            switch (result) {
                case ChannelReceiver.DUPLICATE -> path.stats.duplicatePackets++;
                case ChannelReceiver.REFUSED -> outcome = Math.max(outcome, ChannelReceiver.REFUSED);
                case ChannelReceiver.MALFORMED -> {
                    path.stats.malformedDatagrams++;
                    outcome = ChannelReceiver.MALFORMED;
                }
                default -> { }
            }
        }
        return outcome;
    }

    /** Counts and forwards every delivered message. */
    @Override
    public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
        path.stats.messagesDelivered++;
        handler.onMessage(channel, buffer, offset, length);
    }

    /** While paused, packets that carry messages are refused: their datagrams are not acknowledged. */
    void pause(boolean paused) {
        this.paused = paused;
    }

    /** When an ack-eliciting datagram was last received, or Long.MIN_VALUE. */
    long lastElicitingReceivedAt() {
        return lastElicitingReceivedAt;
    }

    /** Lets go of the copy buffer while the connection is idle; the next datagram that needs it makes a new one. */
    void trim() {
        scratch = null;
    }

    private ByteBuffer copyToScratch(ByteBuffer datagram) {
        int n = datagram.remaining();
        if (scratch == null || scratch.capacity() < n) {
            scratch = ByteBuffer.allocate(Math.max(n, WireFormat.MAX_DATAGRAM_SIZE_IPV4));
        }
        scratch.clear();
        scratch.put(0, datagram, datagram.position(), n);
        scratch.limit(n);
        return scratch;
    }
}
