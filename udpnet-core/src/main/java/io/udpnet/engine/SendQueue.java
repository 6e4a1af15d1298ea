package io.udpnet.engine;

import io.udpnet.Delivery;
import io.udpnet.wire.PacketHeader;
import io.udpnet.wire.Seq;

import java.nio.ByteBuffer;

/**
 * The messages of one channel waiting to be sent, and for reliable channels also those waiting for an ack.
 *
 * <p>Packets live in a {@link ByteRing} already encoded, header and payload as they go on the wire, one after
 * another: consecutive packets that fit a datagram are copied into it in one go, and a retransmission is the same
 * bytes again. Each packet (a whole message or one fragment) has a descriptor in parallel arrays indexed by a packet
 * number that only increases. Packets leave in order, first those queued for
 * retransmission, then new ones, except that on reliable and unsequenced channels a packet that does not fit the
 * datagram's remaining room may be overtaken by a later one that does (within {@value #LOOKAHEAD} packets). An
 * unreliable packet is released as soon as it is written into a datagram; a
 * reliable one when its datagram is acknowledged, and is queued again when its last datagram is declared lost.
 * Memory is released from the oldest packet, so it is bounded by the window of messages in flight.
 */
final class SendQueue {
    private static final byte QUEUED = 0;
    private static final byte IN_FLIGHT = 1;
    private static final byte LOST = 2;
    private static final byte DONE = 3;
    /**
     * How far past a packet that does not fit the queue looks for one that does. Reliable and unsequenced channels
     * may send a later packet first (the receiver orders or does not care); a sequenced channel may not, since the
     * earlier message would then arrive stale.
     */
    static final int LOOKAHEAD = 32;

    private final int channel;
    private final boolean reliable;
    private final boolean mayOvertake;
    private final int window;
    private final int maxWholePayload;
    private final int maxFragmentPayload;
    private final int maxFragments;
    private final ByteBudget budget;
    private final Counters stats;
    private final ByteRing bytes = new ByteRing(256);
    /** Where a packet header is encoded before it is appended to the ring. */
    private final ByteBuffer header = ByteBuffer.allocate(PacketHeader.FRAGMENT_HEADER);

    private int capacity = 16;
    /** Where each packet's bytes (header first) start in the ring. */
    private long[] dataPos = new long[capacity];
    /** Each packet's shape in one word (see {@link #shape}). */
    private long[] shape = new long[capacity];
    private byte[] state = new byte[capacity];
    private int[] lastDatagram = new int[capacity];
    private long head;
    private long next;
    private long tail;
    private long[] retransmit = new long[capacity];
    private long retransmitHead;
    private long retransmitTail;

    private int nextMsgSeq;
    private long lastWritten;
    private int lastCount;
    private boolean headAcked;
    private int queuedMessages;

    SendQueue(int channel, Delivery delivery, int window, int maxWholePayload, int maxFragmentPayload,
              int maxUnreliableFragments, ByteBudget budget, Counters stats) {
        this.channel = channel;
        this.reliable = delivery.isReliable();
        this.mayOvertake = delivery != Delivery.UNRELIABLE_SEQUENCED;
        this.window = window;
        this.maxWholePayload = maxWholePayload;
        this.maxFragmentPayload = maxFragmentPayload;
        this.maxFragments = reliable ? 65535 : maxUnreliableFragments;
        this.budget = budget;
        this.stats = stats;
    }

    /** Number of fragments a message of {@code n} bytes needs on this connection (1 when it travels whole). */
    int fragmentsFor(int n) {
        return n <= maxWholePayload ? 1 : (n + maxFragmentPayload - 1) / maxFragmentPayload;
    }

    /** Whether a message of {@code n} bytes can be queued now. */
    boolean canAccept(int n) {
        return queuedMessages < window && budget.canTake(n);
    }

    /**
     * Queues the remaining bytes of {@code message} (position unchanged). Returns false when the window or the
     * send buffer is full. The caller has checked the size against the connection's maximum.
     */
    boolean offer(ByteBuffer message) {
        int n = message.remaining();
        int count = fragmentsFor(n);
        if (count > maxFragments) {
            throw new IllegalArgumentException("message of " + n + " bytes needs " + count
                    + " fragments; channel " + channel + " allows at most " + maxFragments);
        }
        if (!canAccept(n)) {
            return false;
        }
        budget.take(n);
        int seq = nextMsgSeq;
        nextMsgSeq = Seq.add(nextMsgSeq, 1);
        queuedMessages++;
        int from = message.position();
        if (count == 1) {
            PacketHeader.writeMessage(header, 0, channel, seq, n);
            addPacket(PacketHeader.MESSAGE_HEADER, message, from, n, 0, 1);
        } else {
            int stride = PacketHeader.fragmentStride(n, count);
            for (int i = 0; i < count; i++) {
                int len = i < count - 1 ? stride : n - stride * (count - 1);
                PacketHeader.writeFragment(header, 0, channel, seq, len, i, count, n);
                addPacket(PacketHeader.FRAGMENT_HEADER, message, from + i * stride, len, i, count);
            }
        }
        return true;
    }

    /** Whether a packet is waiting to be written. */
    boolean hasPending() {
        skipStaleRetransmits();
        while (next < tail && state[index(next)] != QUEUED) {
            next++;
        }
        return retransmitHead < retransmitTail || next < tail;
    }

    /**
     * Writes up to {@code max} packets into {@code out} from {@code at}, as many as fit before {@code end}, as part
     * of datagram {@code datagramSeq}. Returns the offset after the last, or {@code at} when nothing was written
     * (nothing pending, or the next packet does not fit). The packets written have consecutive numbers, ending at
     * {@link #lastWritten()}, {@link #lastCount()} of them, for the caller to log on reliable channels: the call
     * stops early at a packet that would break the sequence (a retransmission, or one sent ahead of its turn).
     */
    int write(ByteBuffer out, int at, int end, int datagramSeq, int max) {
        int count = 0;
        long start = 0;
        int size = 0;
        while (count < max) {
            long p = nextToWrite(end - at - size);
            if (p < 0 || (count > 0 && p != lastWritten + 1)) {
                break;
            }
            // Packets with consecutive numbers lie one after another in the ring: their bytes are copied together.
            if (count == 0) {
                start = dataPos[index(p)];
            }
            size += wireSize(p);
            markWritten(p, datagramSeq);
            count++;
        }
        lastCount = count;
        if (count == 0) {
            return at;
        }
        bytes.copyOut(start, size, out, at);
        if (!reliable) {
            release();   // only now: the bytes had to stay in the ring until copied
        }
        return at + size;
    }

    /** The packet to write next if one fits in {@code room} bytes, or -1: retransmissions first, then new ones. */
    private long nextToWrite(int room) {
        skipStaleRetransmits();
        if (retransmitHead < retransmitTail) {
            long p = retransmit[(int) (retransmitHead & (capacity - 1))];
            return wireSize(p) <= room ? p : -1;
        }
        while (next < tail && state[index(next)] != QUEUED) {
            next++;   // already sent ahead of its turn
        }
        return next < tail ? fitting(next, room) : -1;
    }

    /** Records that packet {@code p}, chosen by {@link #nextToWrite}, goes in datagram {@code datagramSeq}. */
    private void markWritten(long p, int datagramSeq) {
        int i = index(p);
        if (retransmitHead < retransmitTail) {   // then p is the queued retransmission (see nextToWrite)
            retransmitHead++;
            stats.retransmissions++;
        } else if (p == next) {
            next++;
        }
        lastWritten = p;
        if (reliable) {
            state[i] = IN_FLIGHT;
            lastDatagram[i] = datagramSeq;
        } else {
            state[i] = DONE;
        }
    }

    /** The first packet from {@code first} on, within the look-ahead, that fits in {@code room}; -1 if none. */
    private long fitting(long first, int room) {
        if (wireSize(first) <= room) {
            return first;
        }
        if (!mayOvertake) {
            return -1;
        }
        for (long p = first + 1; p < tail && p <= first + LOOKAHEAD; p++) {
            if (state[index(p)] == QUEUED && wireSize(p) <= room) {
                return p;
            }
        }
        return -1;
    }

    private int wireSize(long p) {
        long sh = shape[index(p)];
        return (count(sh) == 1 ? PacketHeader.MESSAGE_HEADER : PacketHeader.FRAGMENT_HEADER) + length(sh);
    }

    /** Number of the last packet written by {@link #write}. */
    long lastWritten() {
        return lastWritten;
    }

    /** How many packets the last call of {@link #write} wrote. */
    int lastCount() {
        return lastCount;
    }

    boolean reliable() {
        return reliable;
    }

    int channel() {
        return channel;
    }

    /**
     * The datagram carrying packet {@code p} was acknowledged. Memory is released later, once per incoming ack, by
     * {@link #releaseAcknowledged()}: an ack usually covers dozens of packets.
     */
    void onAcked(long p) {
        if (p < head || p >= tail) {
            return;
        }
        int i = index(p);
        if (state[i] == IN_FLIGHT || state[i] == LOST) {
            state[i] = DONE;
            if (p == head) {
                headAcked = true;
            }
        }
    }

    /** Frees what the acks processed since the last call allow. */
    void releaseAcknowledged() {
        if (headAcked) {
            headAcked = false;
            release();
        }
    }

    /**
     * Datagram {@code datagramSeq}, which carried packet {@code p}, was declared lost. Returns true when the packet
     * was queued for retransmission (it was not acknowledged and not already sent again in a later datagram).
     */
    boolean onLost(long p, int datagramSeq) {
        if (p < head || p >= tail) {
            return false;
        }
        int i = index(p);
        if (state[i] != IN_FLIGHT || lastDatagram[i] != datagramSeq) {
            return false;
        }
        state[i] = LOST;
        skipStaleRetransmits();
        if (retransmitTail - retransmitHead == capacity) {
            grow();
        }
        retransmit[(int) (retransmitTail & (capacity - 1))] = p;
        retransmitTail++;
        return true;
    }

    /** The sequence number the next message queued will get. */
    int nextMessageSeq() {
        return nextMsgSeq;
    }

    /** Makes the next message queued take sequence {@code seq}: a queue made again after the channel was idle. */
    void resumeAt(int seq) {
        nextMsgSeq = seq;
    }

    /** Messages accepted and not yet released (sent for unreliable channels, acknowledged for reliable ones). */
    int queuedMessages() {
        return queuedMessages;
    }

    /** Drops queued retransmissions of packets acknowledged (and perhaps released) since they were queued. */
    private void skipStaleRetransmits() {
        while (retransmitHead < retransmitTail) {
            long p = retransmit[(int) (retransmitHead & (capacity - 1))];
            if (p >= head && state[index(p)] == LOST) {
                return;
            }
            retransmitHead++;
        }
    }

    /**
     * Appends a packet: the {@code headerSize} bytes encoded in {@link #header}, then {@code len} bytes of
     * {@code src} from index {@code from}.
     */
    private void addPacket(int headerSize, ByteBuffer src, int from, int len, int fragment, int count) {
        if (tail - head == capacity) {
            grow();
        }
        int i = index(tail);
        dataPos[i] = bytes.append(header, 0, headerSize);
        bytes.append(src, from, len);
        shape[i] = shape(len, fragment, count);
        state[i] = QUEUED;
        tail++;
    }

    /**
     * A packet's payload length, fragment index and fragment count (1 for a whole message), 16 bits each: every one
     * is a 16-bit field on the wire.
     */
    private static long shape(int length, int fragment, int count) {
        return length | (long) fragment << 32 | (long) count << 48;
    }

    private static int length(long shape) {
        return (int) shape & 0xFFFF;
    }

    private static int fragment(long shape) {
        return (int) (shape >>> 32) & 0xFFFF;
    }

    private static int count(long shape) {
        return (int) (shape >>> 48);
    }

    /** Frees every finished packet at the head, with its bytes. */
    private void release() {
        long payload = 0;
        while (head < tail && state[index(head)] == DONE) {
            long sh = shape[index(head)];
            payload += length(sh);
            if (fragment(sh) == count(sh) - 1) {
                queuedMessages--;
            }
            head++;
        }
        bytes.releaseTo(head < tail ? dataPos[index(head)] : bytes.tail());
        budget.give(payload);   // the budget counts message bytes, not the headers stored with them
    }

    private int index(long p) {
        return (int) (p & (capacity - 1));
    }

    private void grow() {
        int bigger = capacity * 2;
        dataPos = regrow(dataPos, bigger);
        shape = regrow(shape, bigger);
        lastDatagram = regrow(lastDatagram, bigger);
        byte[] s = new byte[bigger];
        long[] r = new long[bigger];
        for (long p = head; p < tail; p++) {
            s[(int) (p & (bigger - 1))] = state[index(p)];
        }
        for (long q = retransmitHead; q < retransmitTail; q++) {
            r[(int) (q & (bigger - 1))] = retransmit[(int) (q & (capacity - 1))];
        }
        state = s;
        retransmit = r;
        capacity = bigger;
    }

    private long[] regrow(long[] a, int bigger) {
        long[] b = new long[bigger];
        for (long p = head; p < tail; p++) {
            b[(int) (p & (bigger - 1))] = a[index(p)];
        }
        return b;
    }

    private int[] regrow(int[] a, int bigger) {
        int[] b = new int[bigger];
        for (long p = head; p < tail; p++) {
            b[(int) (p & (bigger - 1))] = a[index(p)];
        }
        return b;
    }
}
