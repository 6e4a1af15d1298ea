package io.udpnet.bench;

import java.util.List;

/**
 * One messaging system under {@code udpnet bench}: a sender and a receiver on 127.0.0.1 in this process, set up once
 * per scenario and used for every iteration. Its methods are called from one thread, one at a time.
 *
 * <p>Public, like the few members of {@link PeerSettings}, {@link PingSchedule} and {@link Drain} that peers use,
 * only because {@link KcpPeer} runs in a class loader of its own (see {@link KcpLoader}), so in another runtime
 * package.
 */
public interface ComparedPeer extends AutoCloseable {
    /** Short name for the tables ({@code raw}, {@code udpnet}, {@code aeron}). */
    String name();

    /** The exact configuration, one setting per entry, as printed with the results. */
    List<String> configuration();

    /**
     * One throughput iteration: a single thread sends messages numbered from where the last iteration stopped, as
     * fast as back-pressure allows, for {@code nanos}; the receiver counts them. A reliable peer checks their order
     * and waits (bounded) until every message sent has arrived, so iterations do not overlap; an unreliable one waits
     * until nothing more arrives and counts the rest as lost.
     *
     * @throws IllegalStateException when a reliable peer's message is missing, out of order, or late
     */
    Throughput throughput(long nanos) throws Exception;

    /**
     * Round trips on a fixed schedule, see {@link PingSchedule}: ping {@code i} is due {@code i * intervalNanos}
     * after the start and its round trip is counted from then, so a late send counts as delay.
     *
     * @return pings sent and pongs received
     */
    PingSchedule.Result pingPong(PingSchedule schedule) throws Exception;

    /** Counters worth seeing after an iteration (printed to stderr), or an empty string. */
    default String diagnostics() {
        return "";
    }

    /**
     * What a throughput iteration measured.
     *
     * @param messagesPerSecond messages the receiver took per second while the sender ran
     * @param bytesPerSecond    payload bytes the receiver took per second while the sender ran
     * @param sent              messages sent in the iteration
     * @param delivered         messages received in the whole iteration (sending and draining)
     */
    record Throughput(double messagesPerSecond, double bytesPerSecond, long sent, long delivered) {
    }

    /** Releases everything: threads, sockets, files. Idempotent. */
    @Override
    void close();
}
