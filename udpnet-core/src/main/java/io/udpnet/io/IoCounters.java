package io.udpnet.io;

import java.util.concurrent.atomic.LongAdder;

/** The live counters of a server's sockets, summed over its groups; updated without locks from any thread. */
final class IoCounters {
    final LongAdder datagramsIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder datagramsOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder oversize = new LongAdder();
    final LongAdder sendDrops = new LongAdder();
    final LongAdder sendErrors = new LongAdder();
    final LongAdder receiveErrors = new LongAdder();
    final LongAdder pathErrors = new LongAdder();
    final LongAdder handlerErrors = new LongAdder();
    final LongAdder strays = new LongAdder();
    final LongAdder strayDrops = new LongAdder();

    void received(int bytes) {
        datagramsIn.increment();
        bytesIn.add(bytes);
    }

    void sent(int bytes) {
        datagramsOut.increment();
        bytesOut.add(bytes);
    }
}
