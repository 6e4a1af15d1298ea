package io.udpnet.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.udpnet.io.IoStats;

import java.util.function.ToDoubleFunction;

/** The meters of a server's sockets ({@link IoStats}), the same for the raw and the message server. */
final class SocketMeters {
    private SocketMeters() {
    }

    /**
     * Registers the socket meters.
     *
     * @param owner what the meters observe (held weakly by Micrometer: the meters read NaN once it is gone)
     * @param drops the name of the drop counter, whose {@code reason} tag the caller may extend
     */
    static <T> void bind(MeterRegistry r, String prefix, String drops, T owner, StatsCache<IoStats> s, Tags tags) {
        counter(r, prefix + ".datagrams", owner, s, IoStats::datagramsIn, tags.and("direction", "in"),
                "datagrams read from the sockets", null);
        counter(r, prefix + ".datagrams", owner, s, IoStats::datagramsOut, tags.and("direction", "out"),
                "datagrams the kernel took", null);
        counter(r, prefix + ".bytes", owner, s, IoStats::bytesIn, tags.and("direction", "in"),
                "UDP payload bytes read", BaseUnits.BYTES);
        counter(r, prefix + ".bytes", owner, s, IoStats::bytesOut, tags.and("direction", "out"),
                "UDP payload bytes sent", BaseUnits.BYTES);
        counter(r, drops, owner, s, IoStats::sendDrops, tags.and("reason", "send_buffer"),
                "datagrams dropped, by reason", null);
        counter(r, drops, owner, s, IoStats::socketDrops, tags.and("reason", "socket"),
                "datagrams dropped, by reason", null);
        counter(r, prefix + ".errors", owner, s, IoStats::sendErrors, tags.and("kind", "send"),
                "socket errors, by kind", null);
        counter(r, prefix + ".errors", owner, s, IoStats::receiveErrors, tags.and("kind", "receive"),
                "socket errors, by kind", null);
        counter(r, prefix + ".errors", owner, s, IoStats::pathErrors, tags.and("kind", "path"),
                "socket errors, by kind", null);
        counter(r, prefix + ".errors", owner, s, IoStats::handlerErrors, tags.and("kind", "handler"),
                "socket errors, by kind", null);
        Gauge.builder(prefix + ".connected.sockets", owner, o -> s.get().connectedSockets()).tags(tags)
                .description("per-peer sockets open (CONNECTED mode)").register(r);
    }

    static <T, S> void counter(MeterRegistry r, String name, T owner, StatsCache<S> s, ToDoubleFunction<S> value,
                               Tags tags, String description, String unit) {
        FunctionCounter.builder(name, owner, o -> value.applyAsDouble(s.get())).tags(tags).description(description)
                .baseUnit(unit).register(r);
    }
}
