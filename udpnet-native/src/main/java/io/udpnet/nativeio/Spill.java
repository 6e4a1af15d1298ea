package io.udpnet.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The area GRO messages are received into before they are cut into batch slots: {@value Receiver#GRO_MESSAGES}
 * whole 64 KiB messages, 512 KiB. One per thread, not one per socket: a client with 2,000 connected sockets on one
 * I/O thread would otherwise hold 1 GiB, and zeroing and faulting in 512 KiB at each socket's first receive starved
 * its thread for seconds (handshakes timed out). The receiver whose messages did not all fit its batch owns the area
 * until it has cut them; another socket that needs the area first moves them into the owner's own memory
 * ({@link Receiver#evict()}), so the common case, one busy socket per thread, copies nothing.
 */
final class Spill {
    static final int STRIDE = 65_536;
    private static final ThreadLocal<Spill> OF_THREAD = ThreadLocal.withInitial(Spill::new);

    /** Freed by the garbage collector once the thread has ended and nothing points here. */
    final MemorySegment area = Arena.ofAuto().allocate((long) STRIDE * Receiver.GRO_MESSAGES, 8);
    private Receiver owner;

    private Spill() {
    }

    /** @return the calling thread's area, taken over for {@code r}: whatever another receiver left in it is moved */
    static Spill claim(Receiver r) {
        Spill s = OF_THREAD.get();
        Receiver previous = s.owner;
        if (previous != null && previous != r) {
            previous.evict();
        }
        s.owner = r;
        return s;
    }
}
