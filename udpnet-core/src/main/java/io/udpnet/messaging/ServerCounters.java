package io.udpnet.messaging;

import io.udpnet.engine.EndpointStats;
import io.udpnet.io.IoStats;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** The counters of a {@link MessageServer} above its sockets, incremented by its I/O threads. */
final class ServerCounters {
    final LongAdder accepted = new LongAdder();
    final LongAdder closed = new LongAdder();
    final LongAdder inboxDrops = new LongAdder();
    final LongAdder forwarded = new LongAdder();
    final LongAdder forwardDrops = new LongAdder();
    final LongAdder unreachable = new LongAdder();

    MessageServerStats snapshot(int open, long inboxBytes, IoStats sockets, List<EndpointStats> endpoints) {
        return new MessageServerStats(open, inboxBytes, accepted.sum(), closed.sum(), inboxDrops.sum(), forwarded.sum(),
                forwardDrops.sum(), unreachable.sum(), sockets, List.copyOf(endpoints));
    }
}
