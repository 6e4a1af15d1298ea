package io.udpnet.transport;

import io.udpnet.io.IoStats;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The server's live counters, updated from I/O and application threads without locking. */
final class Counters {
    final LongAdder datagramsOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder sessionsOpened = new LongAdder();
    final LongAdder sessionsClosed = new LongAdder();
    final AtomicInteger activeSessions = new AtomicInteger();
    private final LongAdder[] drops = new LongAdder[DatagramDropReason.values().length];

    Counters() {
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    void sent(int bytes) {
        datagramsOut.increment();
        bytesOut.add(bytes);
    }

    void drop(DatagramDropReason cause) {
        drops[cause.ordinal()].increment();
    }

    /** A snapshot, with what only the sockets count (datagrams in, per-peer sockets, oversize datagrams) added in. */
    ServerStats snapshot(IoStats sockets) {
        Map<DatagramDropReason, Long> d = new EnumMap<>(DatagramDropReason.class);
        for (DatagramDropReason c : DatagramDropReason.values()) {
            d.put(c, drops[c.ordinal()].sum());
        }
        d.merge(DatagramDropReason.OVERSIZE, sockets.oversize(), Long::sum);
        // The sockets count every datagram that arrived, the oversize ones they dropped included.
        return new ServerStats(sockets.datagramsIn(), sockets.bytesIn(), datagramsOut.sum(), bytesOut.sum(),
                sessionsOpened.sum(), sessionsClosed.sum(), activeSessions.get(), sockets.connectedSockets(), d);
    }
}
