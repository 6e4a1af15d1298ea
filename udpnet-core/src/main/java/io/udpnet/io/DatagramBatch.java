package io.udpnet.io;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A batch of datagrams in one block of direct memory: the unit that {@link UdpSocket#receive} fills and
 * {@link UdpSocket#send} empties, so that an implementation can move many datagrams per system call and the JDK
 * never copies through a temporary direct buffer of its own.
 *
 * <p>The block is cut into {@link #capacity()} slots of {@link #slotSize()} bytes. Slot {@code i} holds one datagram
 * of {@link #length(int)} bytes from {@link #offset(int)}, and the peer it came from or goes to. Filling, for a
 * sender: {@code ByteBuffer b = batch.slot(batch.count())}, write the datagram into {@code b} from index 0 and leave
 * it flipped (position 0, limit the length), then {@link #add}. Reading: {@link #datagram(int)} gives a view of slot
 * {@code i} from 0 to its length.
 *
 * <p>A received datagram longer than the slot is cut to the slot, and {@link #length(int)} still reports its full
 * size where the implementation can tell (the native one can; NIO reports {@code slotSize} for anything that fills
 * the slot). Callers therefore size slots one byte above the largest datagram they accept and treat any length
 * above that as oversize.
 *
 * <p>Not thread-safe: a batch belongs to one I/O thread. Allocates only when built.
 */
public final class DatagramBatch {
    private final ByteBuffer memory;
    private final ByteBuffer[] slots;
    private final InetSocketAddress[] peers;
    private final int[] lengths;
    private final int slotSize;
    private int count;

    /**
     * Allocates a batch.
     *
     * @param capacity the number of datagrams it holds, 1..1024
     * @param slotSize the bytes per datagram, 1..65,536
     */
    public DatagramBatch(int capacity, int slotSize) {
        if (capacity < 1 || capacity > 1024) {
            throw new IllegalArgumentException("capacity " + capacity + " outside 1..1024");
        }
        if (slotSize < 1 || slotSize > 65_536) {
            throw new IllegalArgumentException("slotSize " + slotSize + " outside 1..65536");
        }
        this.slotSize = slotSize;
        this.memory = ByteBuffer.allocateDirect(capacity * slotSize).order(ByteOrder.BIG_ENDIAN);
        this.slots = new ByteBuffer[capacity];
        this.peers = new InetSocketAddress[capacity];
        this.lengths = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = memory.slice(i * slotSize, slotSize).order(ByteOrder.BIG_ENDIAN);
        }
    }

    /** @return the number of slots */
    public int capacity() {
        return slots.length;
    }

    /** @return the bytes per slot */
    public int slotSize() {
        return slotSize;
    }

    /** @return the datagrams in the batch, in slots {@code 0..count-1} */
    public int count() {
        return count;
    }

    /** @return true when every slot holds a datagram */
    public boolean isFull() {
        return count == slots.length;
    }

    /** @return true when the batch holds no datagram */
    public boolean isEmpty() {
        return count == 0;
    }

    /** Empties the batch (the memory is kept, the peers are forgotten). */
    public void clear() {
        for (int i = 0; i < count; i++) {
            peers[i] = null;
        }
        count = 0;
    }

    /**
     * The buffer of slot {@code i}, cleared (position 0, limit {@link #slotSize()}), for writing a datagram into it.
     *
     * @param i 0..capacity-1
     * @return the slot's buffer; the same object every time
     */
    public ByteBuffer slot(int i) {
        return slots[i].clear();
    }

    /**
     * The buffer of slot {@code i} as a writer left it after {@link #slot(int)}: position and limit untouched.
     *
     * @param i 0..capacity-1
     * @return the slot's buffer
     */
    public ByteBuffer written(int i) {
        return slots[i];
    }

    /**
     * Takes the datagram written into slot {@link #count()} as the next of the batch.
     *
     * @param peer   where it goes (a connected socket ignores it), or where it came from
     * @param length its length in bytes, 0..slotSize (larger: the datagram was cut, see the class comment)
     * @throws IllegalStateException when the batch is full
     */
    public void add(InetSocketAddress peer, int length) {
        if (count == slots.length) {
            throw new IllegalStateException("batch full");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length " + length);
        }
        peers[count] = peer;
        lengths[count] = length;
        count++;
    }

    /**
     * Copies {@code datagram} (position..limit; not consumed) into the next slot and adds it.
     *
     * @param peer     where it goes or came from
     * @param datagram the bytes; at most {@link #slotSize()} of them
     */
    public void add(InetSocketAddress peer, ByteBuffer datagram) {
        int n = datagram.remaining();
        if (n > slotSize) {
            throw new IllegalArgumentException("datagram of " + n + " bytes; slots hold " + slotSize);
        }
        if (count == slots.length) {
            throw new IllegalStateException("batch full");
        }
        slots[count].clear().put(0, datagram, datagram.position(), n);
        add(peer, n);
    }

    /**
     * A view of datagram {@code i}: position 0, limit its length (cut to the slot). Reading it moves only the view.
     *
     * @param i 0..count-1
     * @return the slot's buffer, set to the datagram
     */
    public ByteBuffer datagram(int i) {
        checkIndex(i);
        return slots[i].limit(Math.min(lengths[i], slotSize)).position(0);
    }

    /**
     * @param i 0..count-1
     * @return the peer datagram {@code i} came from or goes to
     */
    public InetSocketAddress peer(int i) {
        checkIndex(i);
        return peers[i];
    }

    /**
     * @param i 0..count-1
     * @return datagram {@code i}'s full length (may exceed {@link #slotSize()} for a datagram that was cut)
     */
    public int length(int i) {
        checkIndex(i);
        return lengths[i];
    }

    /**
     * Where slot {@code i} starts in {@link #memory()}: for implementations that hand the block to the kernel.
     *
     * @param i 0..capacity-1
     * @return the byte offset
     */
    public int offset(int i) {
        Objects.checkIndex(i, slots.length);
        return i * slotSize;
    }

    /** @return the whole direct block; for implementations, which must not change its position or limit */
    public ByteBuffer memory() {
        return memory;
    }

    /**
     * Sets the peer and length of received datagram {@code i}, for implementations that fill slots in place; the
     * count becomes {@code i + 1} if it was lower.
     *
     * @param i      the slot, count..capacity-1 or an already filled one
     * @param peer   the source
     * @param length the full length
     */
    public void set(int i, InetSocketAddress peer, int length) {
        Objects.checkIndex(i, slots.length);
        peers[i] = peer;
        lengths[i] = length;
        if (count <= i) {
            count = i + 1;
        }
    }

    /**
     * Drops the first {@code n} datagrams and moves the rest to the front (what a partial send leaves).
     *
     * @param n 0..count
     */
    public void removeFirst(int n) {
        Objects.checkFromIndexSize(0, n, count + 1);
        if (n == 0) {
            return;
        }
        int rest = count - n;
        for (int i = 0; i < rest; i++) {
            slots[i].clear().put(0, slots[i + n], 0, Math.min(lengths[i + n], slotSize));
            peers[i] = peers[i + n];
            lengths[i] = lengths[i + n];
        }
        for (int i = rest; i < count; i++) {
            peers[i] = null;
        }
        count = rest;
    }

    private void checkIndex(int i) {
        Objects.checkIndex(i, count);
    }
}
