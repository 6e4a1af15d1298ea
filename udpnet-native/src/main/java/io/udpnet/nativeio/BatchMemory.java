package io.udpnet.nativeio;

import io.udpnet.io.DatagramBatch;

import java.lang.foreign.MemorySegment;

/** Remembers the native view of the last batch a socket used, so that a call on the same batch allocates nothing. */
final class BatchMemory {
    private DatagramBatch batch;
    private MemorySegment segment;

    /** @return the batch's whole block as a segment */
    MemorySegment of(DatagramBatch b) {
        if (b != batch) {
            segment = MemorySegment.ofBuffer(b.memory().duplicate().clear());
            batch = b;
        }
        return segment;
    }
}
