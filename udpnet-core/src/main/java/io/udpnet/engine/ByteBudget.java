package io.udpnet.engine;

/**
 * A count of bytes held against a limit, shared by the channels of one connection: one for messages waiting to be
 * sent or acknowledged, one for reassembly and reorder buffers.
 */
final class ByteBudget {
    private final long limit;
    private long used;

    ByteBudget(long limit) {
        this.limit = limit;
    }

    boolean canTake(long n) {
        return used + n <= limit;
    }

    void take(long n) {
        used += n;
    }

    void give(long n) {
        used -= n;
    }

    long used() {
        return used;
    }
}
