package io.udpnet.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/** What one scenario measured for one peer, over its measured iterations; or why the peer could not take part. */
final class PeerResult {
    final String peer;
    final List<String> configuration;
    /** Why the peer did not take part, or null. */
    final String notApplicable;
    final List<Double> messagesPerSecond = new ArrayList<>();
    final List<Double> bytesPerSecond = new ArrayList<>();
    final List<Double> cores = new ArrayList<>();
    final Histogram rtt = new Histogram(3);
    /** The loss scenario's cells, summed over iterations, in the order first measured. */
    final List<LossRun.Cell> loss = new ArrayList<>();
    long sent;
    long delivered;
    long cpuNanos;
    /** The scale scenario's figures beyond round trips and counts; untouched elsewhere. */
    final ScaleFigures scale = new ScaleFigures();

    private PeerResult(String peer, List<String> configuration, String notApplicable) {
        this.peer = peer;
        this.configuration = configuration;
        this.notApplicable = notApplicable;
    }

    static PeerResult of(ComparedPeer p) {
        return new PeerResult(p.name(), p.configuration(), null);
    }

    static PeerResult of(String peer, List<String> configuration) {
        return new PeerResult(peer, configuration, null);
    }

    /** Adds a loss cell to the one of the same loss and fragment count, or as a new one. */
    void add(LossRun.Cell c) {
        sent += c.sent();
        delivered += c.delivered();
        for (int i = 0; i < loss.size(); i++) {
            LossRun.Cell o = loss.get(i);
            if (o.loss() == c.loss() && o.fragments() == c.fragments()) {
                loss.set(i, new LossRun.Cell(c.loss(), c.fragments(), o.sent() + c.sent(),
                        o.delivered() + c.delivered(), o.relayLost() + c.relayLost(),
                        o.relayOtherDrops() + c.relayOtherDrops()));
                return;
            }
        }
        loss.add(c);
    }

    static PeerResult notApplicable(String peer, String reason) {
        return new PeerResult(peer, List.of(), reason);
    }

    /** The peer's name, with the connections in the scale scenario (one row per client count). */
    String label() {
        return scale.clients == 0 ? peer : peer + ", " + scale.clients + " clients";
    }

    boolean measured() {
        return notApplicable == null;
    }

    double megabytesPerSecond() {
        return mean(bytesPerSecond) / 1e6;
    }

    /** CPU time of the whole process per message delivered, in microseconds. */
    double cpuMicrosPerMessage() {
        return delivered == 0 ? Double.NaN : cpuNanos / 1e3 / delivered;
    }

    /** A round-trip percentile in microseconds. */
    double micros(double percentile) {
        return rtt.getValueAtPercentile(percentile) / 1e3;
    }

    static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Sample standard deviation; 0 for a single value. */
    static double stddev(List<Double> xs) {
        if (xs.size() < 2) {
            return 0;
        }
        double m = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (xs.size() - 1));
    }
}
