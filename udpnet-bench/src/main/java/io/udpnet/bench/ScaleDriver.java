package io.udpnet.bench;

/**
 * One peer's side of the {@code scale} scenario, set up once with all its connections: {@link ScaleRun} for udpnet,
 * {@code EnetScale} for ENet.
 */
interface ScaleDriver extends AutoCloseable {
    /** Heap per connection in bytes, or {@link PeerResult#NOT_ON_HEAP} where the connections live elsewhere. */
    long heapPerConnection();

    /**
     * Sends for {@code nanos}, waits for the last echoes, and adds what was measured to {@code result} when
     * {@code counted}; returns the line for the progress bar.
     */
    String measure(long nanos, PeerResult result, boolean counted) throws Exception;

    @Override
    void close();
}
