package io.udpnet.bench;

/**
 * One peer's side of the {@code scale} scenario at one client count, set up once with all its connections:
 * {@link ScaleRun} for udpnet, {@code EnetScale} for ENet.
 */
interface ScaleDriver extends AutoCloseable {
    /** Adds what was measured while connecting (handshakes, memory) to {@code result}; returns the progress line. */
    String connected(PeerResult result);

    /**
     * Sends for {@code nanos}, waits for the last echoes, and adds what was measured to {@code result} when
     * {@code counted}; returns the line for the progress bar.
     */
    String measure(long nanos, PeerResult result, boolean counted) throws Exception;

    /**
     * Sends nothing for {@code settleNanos}, then for {@code nanos} more with every connection open, and adds the
     * server's cores over the second part (and its heap per connection at the end) to {@code result}, where they
     * can be told apart from the load generator's; returns the progress line.
     */
    String idle(long settleNanos, long nanos, PeerResult result) throws Exception;

    @Override
    void close();
}
