package io.udpnet.bench;

import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * One messaging system under {@link PeerComparisonBench}: a sender and a receiver on 127.0.0.1 in this process, set
 * up once and used for every round. Its methods are called from one thread, one at a time.
 */
interface ComparedPeer extends AutoCloseable {
    /** Short name for the tables ({@code udpnet}, {@code aeron}). */
    String name();

    /** The exact configuration, one setting per entry, as printed with the results. */
    List<String> configuration();

    /**
     * One throughput iteration: a single thread sends messages numbered from where the last iteration stopped, as
     * fast as back-pressure allows, for {@code nanos}; the receiver counts them and checks their order. Before
     * returning, waits (bounded) until every message sent has arrived, so iterations do not overlap.
     *
     * @throws IllegalStateException when a message is missing, out of order, or does not arrive in time
     */
    Throughput throughput(long nanos) throws Exception;

    /**
     * {@code count} ping-pong round trips, one message outstanding at a time, each recorded in nanoseconds into
     * {@code histogram} (none recorded when it is null: warm-up).
     *
     * @throws IllegalStateException when a reply does not arrive in time
     */
    void pingPong(int count, Histogram histogram) throws Exception;

    /** Counters worth seeing after an iteration (printed to stderr), or an empty string. */
    default String diagnostics() {
        return "";
    }

    /**
     * What a throughput iteration measured.
     *
     * @param messagesPerSecond messages the receiver took per second while the sender ran
     * @param delivered         messages sent, and so received, in the whole iteration (sending and draining)
     */
    record Throughput(double messagesPerSecond, long delivered) {
    }

    /** Releases everything: threads, sockets, files. Idempotent. */
    @Override
    void close();
}
