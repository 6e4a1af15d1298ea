package io.udpnet.messaging;

import io.udpnet.engine.EndpointStats;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** The counters of a {@link MessageServer}, incremented by its I/O threads. */
final class ServerCounters {
    final LongAdder accepted = new LongAdder();
    final LongAdder closed = new LongAdder();
    final LongAdder inboxDrops = new LongAdder();
    final LongAdder forwarded = new LongAdder();
    final LongAdder forwardDrops = new LongAdder();
    final LongAdder sendDrops = new LongAdder();
    final LongAdder sendErrors = new LongAdder();
    final LongAdder receiveErrors = new LongAdder();
    final LongAdder oversize = new LongAdder();
    final LongAdder unreachable = new LongAdder();

    MessageServerStats snapshot(int open, long inboxBytes, List<EndpointStats> endpoints) {
        return new MessageServerStats(open, inboxBytes, accepted.sum(), closed.sum(), inboxDrops.sum(), forwarded.sum(),
                forwardDrops.sum(), sendDrops.sum(), sendErrors.sum(), receiveErrors.sum(), oversize.sum(),
                unreachable.sum(), List.copyOf(endpoints));
    }
}
