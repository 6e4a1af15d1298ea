package io.udpnet.io;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters of a server's sockets, summed over its groups; updated without locks from any thread. They are
 * also what becomes of every batch its groups send.
 */
final class IoCounters implements Transmitter.Outcome {
    private static final System.Logger LOG = System.getLogger("io.udpnet.io");

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

    @Override
    public void sent(int datagrams, long bytes) {
        datagramsOut.add(datagrams);
        bytesOut.add(bytes);
    }

    @Override
    public void dropped(int datagrams) {
        sendDrops.add(datagrams);
    }

    @Override
    public void failed(UdpSocket socket, IOException error) {
        sendErrors.increment();
        LOG.log(Level.DEBUG, "send failed on " + socket, error);
    }
}
