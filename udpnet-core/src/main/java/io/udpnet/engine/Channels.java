package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;

import java.nio.ByteBuffer;

/**
 * The channels of one connection: a send queue and a receiver per channel, created on first use and let go when
 * the connection is idle ({@link #trim}), so that a channel costs nothing while it is not used; packing of outgoing datagrams across channels; and the dispatch of acks and losses, which
 * {@link SentLog} reports as entries naming a channel and a packet.
 */
final class Channels {
    /**
     * A sent-log entry names a run of consecutive packets of one channel carried by one datagram: channel in the top
     * 8 bits, run length in the next 8, first packet number in the low 48. A datagram of many small messages then
     * costs one entry instead of one per packet.
     */
    private static final int CHANNEL_SHIFT = 56;
    private static final int COUNT_SHIFT = 48;
    private static final long PACKET_MASK = (1L << COUNT_SHIFT) - 1;
    private static final int MAX_RUN = 255;

    private final ConnectionConfig config;
    private final Counters stats;
    private final MessageListener deliver;
    private final ByteBudget sendBudget;
    private final ByteBudget receiveBudget;
    /** Buffers for the receivers; made with the first receiver, let go with them by {@link #trim}. */
    private BufferPool pool;
    /**
     * Send queues by channel, and the channels that have one ({@link #liveCount} of them): both null while none has
     * (as {@link #trim} leaves an idle connection; 64 bytes less), made with the first queue.
     */
    private SendQueue[] queues;
    private int[] live;
    /** Receivers by channel; null while none has one. */
    private ChannelReceiver[] receivers;
    private int liveCount;
    private int roundRobin;
    /**
     * For each channel whose send queue or receiver {@link #trim} let go, what the one made again carries on from:
     * the next message sequence to send, and what {@link ChannelReceiver#release} returned. Null until the first trim.
     */
    private long[] resume;
    /** Where in a {@link #resume} word the next message sequence to send is kept (the receiver's state below). */
    private static final int SEND_SHIFT = 40;
    private static final long RECEIVE_MASK = (1L << SEND_SHIFT) - 1;

    /** {@code sharedReceive}, if not null, is a budget the receive side also counts against ({@link ByteBudget}). */
    Channels(ConnectionConfig config, Counters stats, MessageListener deliver, ByteBudget sharedReceive) {
        this.config = config;
        this.stats = stats;
        this.deliver = deliver;
        this.sendBudget = new ByteBudget(config.sendBufferBytes());
        this.receiveBudget = new ByteBudget(config.receiveBufferBytes(), sharedReceive);
    }

    /** Queues a message; see {@link Connection#send}. */
    boolean send(int channel, ByteBuffer message) {
        SendQueue q = queue(channel);
        int n = message.remaining();
        if (n > config.maxMessageSize()) {
            throw new IllegalArgumentException("message of " + n + " bytes exceeds maxMessageSize "
                    + config.maxMessageSize());
        }
        if (!q.offer(message)) {
            return false;
        }
        stats.messagesSent++;
        return true;
    }

    boolean canSend(int channel, int length) {
        return length <= config.maxMessageSize() && queue(channel).canAccept(length);
    }

    /** Whether any channel has a packet waiting to be written. */
    boolean anyPending() {
        for (int k = 0; k < liveCount; k++) {
            if (queues[live[k]].hasPending()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fills {@code out} from {@code at} up to {@code end} with packets, one per channel per round so that no channel
     * starves another; a packet that does not fit is left for the next datagram while other channels may still fill
     * this one. Reliable packets are logged in {@code sent}'s open record. Returns the offset after the last packet.
     */
    int pack(ByteBuffer out, int at, int end, int seq, SentLog sent) {
        // A single channel has no one to be fair to: it writes a whole run of packets per call.
        int perRound = liveCount == 1 ? MAX_RUN : 1;
        int runChannel = -1;
        long runFirst = 0;
        int runLength = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            int k = roundRobin;
            for (int n = 0; n < liveCount; n++) {
                SendQueue q = queues[live[k]];
                if (++k == liveCount) {
                    k = 0;
                }
                int after = q.write(out, at, end, seq, perRound);
                if (after != at) {
                    if (q.reliable()) {
                        int count = q.lastCount();
                        long first = q.lastWritten() - count + 1;
                        if (q.channel() == runChannel && first == runFirst + runLength
                                && runLength + count <= MAX_RUN) {
                            runLength += count;
                        } else {
                            if (runLength > 0) {
                                sent.addEntry(run(runChannel, runFirst, runLength));
                            }
                            runChannel = q.channel();
                            runFirst = first;
                            runLength = count;
                        }
                    }
                    at = after;
                    progress = true;
                }
            }
        }
        if (runLength > 0) {
            sent.addEntry(run(runChannel, runFirst, runLength));
        }
        roundRobin = liveCount == 0 ? 0 : (roundRobin + 1) % liveCount;
        return at;
    }

    private static long run(int channel, long first, int length) {
        return (long) channel << CHANNEL_SHIFT | (long) length << COUNT_SHIFT | first;
    }

    void onEntryAcked(long entry) {
        SendQueue q = queues[(int) (entry >>> CHANNEL_SHIFT)];
        long first = entry & PACKET_MASK;
        for (int i = 0, n = (int) (entry >>> COUNT_SHIFT) & 0xFF; i < n; i++) {
            q.onAcked(first + i);
        }
    }

    void onEntryLost(long entry, int datagramSeq) {
        SendQueue q = queues[(int) (entry >>> CHANNEL_SHIFT)];
        long first = entry & PACKET_MASK;
        for (int i = 0, n = (int) (entry >>> COUNT_SHIFT) & 0xFF; i < n; i++) {
            q.onLost(first + i, datagramSeq);
        }
    }

    /** Frees send memory that the acks processed since the last call allow (once per incoming ack). */
    void releaseAcknowledged() {
        for (int k = 0; k < liveCount; k++) {
            queues[live[k]].releaseAcknowledged();
        }
    }

    /** The receiver of a channel that exists (the validator has checked). */
    ChannelReceiver receiver(int channel) {
        if (receivers == null) {
            receivers = new ChannelReceiver[config.channelCount()];
        }
        ChannelReceiver r = receivers[channel];
        if (r == null) {
            if (pool == null) {
                pool = new BufferPool(receiveBudget);
            }
            Delivery d = config.delivery(channel);
            r = d.isReliable()
                    ? new ReliableReceiver(channel, d == Delivery.RELIABLE_ORDERED, config.sendWindow(), deliver,
                    pool, receiveBudget)
                    : new UnreliableReceiver(channel, d == Delivery.UNRELIABLE_SEQUENCED, deliver, pool,
                    receiveBudget, stats);
            if (resume != null) {
                r.resume(resume[channel] & RECEIVE_MASK);
            }
            receivers[channel] = r;
        }
        return r;
    }

    int queuedMessages(int channel) {
        check(channel);
        SendQueue q = queues == null ? null : queues[channel];
        return q == null ? 0 : q.queuedMessages();
    }

    /** Bytes held for messages not yet delivered (what the pool keeps for reuse is not counted here). */
    long receiveBufferedBytes() {
        return receiveBudget.used() - (pool == null ? 0 : pool.kept());
    }

    /** Drops every message held for reassembly or reordering, giving its bytes back to the budgets. */
    void clearReceivers() {
        for (int channel = 0; receivers != null && channel < receivers.length; channel++) {
            if (receivers[channel] != null) {
                receivers[channel].clear();
            }
        }
        if (pool != null) {
            pool.shed();
        }
    }

    private int check(int channel) {
        int channels = config.channelCount();
        if (channel < 0 || channel >= channels) {
            throw new IllegalArgumentException("channel " + channel + " does not exist; this connection has "
                    + channels + " channels (0.." + (channels - 1) + ")");
        }
        return channel;
    }

    private SendQueue queue(int channel) {
        check(channel);
        if (queues == null) {
            queues = new SendQueue[config.channelCount()];
            live = new int[queues.length];
        }
        SendQueue q = queues[channel];
        if (q == null) {
            q = new SendQueue(channel, config.delivery(channel), config.sendWindow(), config.maxWholePayload(),
                    config.maxFragmentPayload(), config.maxUnreliableFragments(), sendBudget, stats);
            if (resume != null) {
                q.resumeAt((int) (resume[channel] >>> SEND_SHIFT));
            }
            queues[channel] = q;
            live[liveCount++] = channel;
        }
        return q;
    }

    /**
     * For an idle connection ({@link #quiet}) whose datagrams are all acknowledged or given up ({@link SentLog#trim}
     * done, so no record names a packet any more): lets go of every empty send queue (keeping its next message
     * sequence), every receiver (keeping the sequence it expects; unreliable messages still incomplete are given up)
     * and the pooled buffers. Everything is made again on first use.
     */
    void trim() {
        int kept = 0;
        for (int k = 0; k < liveCount; k++) {
            int channel = live[k];
            SendQueue q = queues[channel];
            if (q.queuedMessages() == 0) {
                if (resume == null) {
                    resume = new long[config.channelCount()];
                }
                resume[channel] = resume[channel] & RECEIVE_MASK | (long) q.nextMessageSeq() << SEND_SHIFT;
                queues[channel] = null;
            } else {
                live[kept++] = channel;
            }
        }
        liveCount = kept;
        roundRobin = 0;
        if (kept == 0) {
            queues = null;
            live = null;
        }
        for (int channel = 0; receivers != null && channel < receivers.length; channel++) {
            if (receivers[channel] != null) {
                if (resume == null) {
                    resume = new long[config.channelCount()];
                }
                resume[channel] = resume[channel] & ~RECEIVE_MASK | receivers[channel].release();
            }
        }
        receivers = null;
        if (pool != null) {
            pool.shed();   // gives its bytes back to the receive budget
        }
        pool = null;
    }

    /**
     * Whether every message queued has been acknowledged (or sent, if unreliable) and no reliable message waits to be
     * delivered.
     */
    boolean quiet() {
        for (int k = 0; k < liveCount; k++) {
            if (queues[live[k]].queuedMessages() > 0) {
                return false;
            }
        }
        for (int channel = 0; receivers != null && channel < receivers.length; channel++) {
            if (receivers[channel] != null && !receivers[channel].idle()) {
                return false;
            }
        }
        return true;
    }
}
