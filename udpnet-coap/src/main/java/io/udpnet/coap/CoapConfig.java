package io.udpnet.coap;

import java.time.Duration;

/**
 * Transmission parameters (RFC 7252 section 4.8) and the bounds that keep a server's memory finite. Immutable; the
 * defaults are the RFC's.
 *
 * @param ackTimeout ACK_TIMEOUT: the first retransmission time-out of a confirmable message (default 2 s)
 * @param ackRandomFactor ACK_RANDOM_FACTOR: the first time-out is drawn from [ackTimeout, ackTimeout × factor]
 *                        (default 1.5)
 * @param maxRetransmit MAX_RETRANSMIT: retransmissions before giving up (default 4)
 * @param exchangeLifetime EXCHANGE_LIFETIME: how long a request's message ID is remembered for de-duplication
 *                         (default 247 s)
 * @param separateResponseAfter how long a handler may run before the server acknowledges the request with an empty
 *                              ACK and sends the response separately (default 500 ms, well under ackTimeout)
 * @param dedupCacheSize the most remembered requests (all peers together); the oldest go first (default 10,000)
 * @param maxExchangesPerPeer the most requests of one peer being processed at once; more get 5.03 (default 16)
 * @param maxObserversPerResource the most observers of one resource; more are served without Observe (default 1,000)
 * @param blockSize the server's preferred block size for Block2 responses and the client's for block-wise
 *                  fetches: 16..1024, a power of two (default 1,024)
 * @param conNotificationEvery every how many notifications one is sent confirmable, to find out whether the observer
 *                             is still there (default 10; RFC 7641 section 4.5)
 * @param amplificationFactor until a peer has shown that it receives at its address (by acknowledging a confirmable
 *                            message of the server, or returning an Echo value, RFC 9175), a response datagram is
 *                            at most this many times its request, made so with smaller Block2 blocks; notifications
 *                            to it are all confirmable. 0 turns the limit off (default 3)
 */
public record CoapConfig(Duration ackTimeout, double ackRandomFactor, int maxRetransmit, Duration exchangeLifetime,
                         Duration separateResponseAfter, int dedupCacheSize, int maxExchangesPerPeer,
                         int maxObserversPerResource, int blockSize, int conNotificationEvery,
                         int amplificationFactor) {

    /** The RFC defaults. */
    public static final CoapConfig DEFAULT = new CoapConfig(Duration.ofSeconds(2), 1.5, 4, Duration.ofSeconds(247),
            Duration.ofMillis(500), 10_000, 16, 1_000, 1024, 10, 3);

    /** Checks the values. */
    public CoapConfig {
        if (ackTimeout.isNegative() || ackTimeout.isZero() || ackRandomFactor < 1.0 || maxRetransmit < 0
                || exchangeLifetime.isNegative() || separateResponseAfter.isNegative() || dedupCacheSize < 1
                || maxExchangesPerPeer < 1 || maxObserversPerResource < 0 || conNotificationEvery < 1
                || amplificationFactor < 0) {
            throw new IllegalArgumentException("bad CoAP configuration: " + this);
        }
        io.udpnet.coap.message.BlockOption.szxOf(blockSize);
    }

    /**
     * A copy with another de-duplication cache size.
     *
     * @param size the most remembered requests
     * @return the copy
     */
    public CoapConfig withDedupCacheSize(int size) {
        return new CoapConfig(ackTimeout, ackRandomFactor, maxRetransmit, exchangeLifetime, separateResponseAfter,
                size, maxExchangesPerPeer, maxObserversPerResource, blockSize, conNotificationEvery,
                amplificationFactor);
    }

    /**
     * A copy with other retransmission timing.
     *
     * @param timeout ACK_TIMEOUT
     * @param retransmits MAX_RETRANSMIT
     * @return the copy
     */
    public CoapConfig withRetransmission(Duration timeout, int retransmits) {
        return new CoapConfig(timeout, ackRandomFactor, retransmits, exchangeLifetime, separateResponseAfter,
                dedupCacheSize, maxExchangesPerPeer, maxObserversPerResource, blockSize, conNotificationEvery,
                amplificationFactor);
    }

    /**
     * A copy with another separate-response delay.
     *
     * @param after how long a handler may run before the empty ACK goes out
     * @return the copy
     */
    public CoapConfig withSeparateResponseAfter(Duration after) {
        return new CoapConfig(ackTimeout, ackRandomFactor, maxRetransmit, exchangeLifetime, after,
                dedupCacheSize, maxExchangesPerPeer, maxObserversPerResource, blockSize, conNotificationEvery,
                amplificationFactor);
    }

    /**
     * A copy with another block size.
     *
     * @param size 16..1024, a power of two
     * @return the copy
     */
    public CoapConfig withBlockSize(int size) {
        return new CoapConfig(ackTimeout, ackRandomFactor, maxRetransmit, exchangeLifetime, separateResponseAfter,
                dedupCacheSize, maxExchangesPerPeer, maxObserversPerResource, size, conNotificationEvery,
                amplificationFactor);
    }

    /**
     * A copy with another observer bound.
     *
     * @param max the most observers per resource
     * @return the copy
     */
    public CoapConfig withMaxObserversPerResource(int max) {
        return new CoapConfig(ackTimeout, ackRandomFactor, maxRetransmit, exchangeLifetime, separateResponseAfter,
                dedupCacheSize, maxExchangesPerPeer, max, blockSize, conNotificationEvery,
                amplificationFactor);
    }

    /**
     * A copy with another amplification limit.
     *
     * @param factor the largest response-to-request size ratio for unverified peers; 0 for no limit
     * @return the copy
     */
    public CoapConfig withAmplificationFactor(int factor) {
        return new CoapConfig(ackTimeout, ackRandomFactor, maxRetransmit, exchangeLifetime, separateResponseAfter,
                dedupCacheSize, maxExchangesPerPeer, maxObserversPerResource, blockSize, conNotificationEvery, factor);
    }

    /**
     * Returns the first retransmission time-out in nanoseconds, drawn at random from the RFC's range.
     *
     * @return the first retransmission time-out in nanoseconds, drawn at random from the RFC's range
     */
    long initialTimeoutNanos(java.util.random.RandomGenerator random) {
        double factor = 1.0 + random.nextDouble() * (ackRandomFactor - 1.0);
        return (long) (ackTimeout.toNanos() * factor);
    }
}
