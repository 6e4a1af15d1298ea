package io.udpnet.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code scale} scenario measured for one peer at one client count, beside the round trips, counts and
 * client-side cores kept in {@link PeerResult}. A figure not measured is NaN (or {@link #NOT_MEASURED}), and
 * {@link #serverNotMeasured} says why when the server's own figures are missing altogether.
 */
final class ScaleFigures {
    /** A byte figure not measured (a measured one may be negative: memory given back meanwhile). */
    static final long NOT_MEASURED = Long.MIN_VALUE;
    /** {@link #heapPerConnection} of a peer whose connections are not on the Java heap. */
    static final long NOT_ON_HEAP = Long.MIN_VALUE + 1;

    /** Connections of this row; 0 outside the scale scenario. */
    int clients;
    /** Connections over the time from the first connect to the last connection open. */
    double handshakesPerSecond = Double.NaN;
    /** The server process's CPU time over the connect phase, per connection. */
    double serverCpuNanosPerHandshake = Double.NaN;
    /** The server process's CPU time over the measured rounds. */
    long serverCpuNanos;
    /** Messages the server echoed over the measured rounds, by its own count. */
    long serverEchoed;
    /** The server process's cores (CPU time over wall time), one value per measured round. */
    final List<Double> serverCores = new ArrayList<>();
    /** The server's live heap with every connection open less before, per connection. */
    long heapPerConnection = NOT_MEASURED;
    /** The same with the server's resident set (VmRSS); not measured where the system does not say. */
    long rssPerConnection = NOT_MEASURED;
    /** The server process's cores while every connection was open and nothing was sent. */
    double idleServerCores = Double.NaN;
    /** {@link #heapPerConnection} at the end of the idle phase, when connections have let go of what they used. */
    long idleHeapPerConnection = NOT_MEASURED;
    /** The length of the idle phase, in seconds. */
    double idleSeconds = Double.NaN;
    /** Why the server's own figures (CPU, heap, RSS, idle) are n/a, or null. */
    String serverNotMeasured;

    /** Server CPU time per message it echoed, in microseconds; NaN when nothing was echoed or measured. */
    double serverCpuMicrosPerMessage() {
        return serverEchoed == 0 ? Double.NaN : serverCpuNanos / 1e3 / serverEchoed;
    }
}
