package io.udpnet.sim;

/**
 * Outcome of a {@link MultiFlowScenario}. Rates are measured from the end of the warm-up to the end of the run.
 *
 * @param seed               the simulation seed (replays the run exactly)
 * @param congestion         the congestion control algorithm of every flow
 * @param bottleneckBits     the bottleneck's rate, bit/s
 * @param queueBytes         the bottleneck's queue, bytes
 * @param baseRttMillis      the round-trip propagation delay of each flow's path, ms
 * @param randomLoss         the random loss probability of each flow's path, each way
 * @param durationMillis     length of the run, ms
 * @param warmupMillis       time from the start that is not measured, ms
 * @param flows              per flow, in order of start
 * @param linkUse            bytes the bottleneck sent (headers and retransmissions included) over what it could
 *                           have sent, 0..1
 * @param queueDelayP50Millis median wait in the bottleneck queue, ms
 * @param queueDelayP90Millis 90th percentile of that wait, ms
 * @param queueDelayP99Millis 99th percentile of that wait, ms
 * @param queueDelayMaxMillis longest wait (within the histogram's 4% resolution), ms
 * @param queueDrops         datagrams the bottleneck dropped for lack of room
 */
public record MultiFlowReport(
        long seed,
        String congestion,
        long bottleneckBits,
        int queueBytes,
        double baseRttMillis,
        double randomLoss,
        double durationMillis,
        double warmupMillis,
        Flow[] flows,
        double linkUse,
        double queueDelayP50Millis,
        double queueDelayP90Millis,
        double queueDelayP99Millis,
        double queueDelayMaxMillis,
        long queueDrops) {

    /**
     * One flow's figures.
     *
     * @param startMillis          when it started, ms
     * @param goodputBits          message bytes delivered per second over the measured time, in bits per second
     * @param perSecondBits        goodput of each whole second of the run, bit/s
     * @param convergedAfterMillis time from its start until it first got, over a sliding second, at least 80% of
     *                             the mean goodput of the flows running then; -1 if it never did
     * @param retransmissions      reliable packets it sent again over the whole run
     * @param cwnd                 its congestion window at the end, bytes
     */
    public record Flow(double startMillis, double goodputBits, double[] perSecondBits, long convergedAfterMillis,
            long retransmissions, long cwnd) {
    }

    /** Sum of the flows' goodput over the bottleneck's rate, 0..1. */
    public double goodputShare() {
        double sum = 0;
        for (Flow f : flows) {
            sum += f.goodputBits;
        }
        return sum / bottleneckBits;
    }

    /**
     * Jain's fairness index of the flows' goodput: {@code (sum x)^2 / (n x sum x^2)}, 1 when all get the same, 1/n
     * when one gets everything.
     */
    public double jainIndex() {
        double sum = 0;
        double squares = 0;
        for (Flow f : flows) {
            sum += f.goodputBits;
            squares += f.goodputBits * f.goodputBits;
        }
        return squares == 0 ? 0 : sum * sum / (flows.length * squares);
    }

    /** One JSON object with every field, {@code goodputShare} and {@code jainIndex}. */
    public String toJson() {
        StringBuilder s = new StringBuilder();
        s.append("{\"seed\":").append(seed).append(",\"congestion\":\"").append(congestion)
                .append("\",\"bottleneckBits\":").append(bottleneckBits).append(",\"queueBytes\":").append(queueBytes)
                .append(",\"baseRttMillis\":").append(round(baseRttMillis)).append(",\"randomLoss\":")
                .append(round(randomLoss)).append(",\"durationMillis\":").append(round(durationMillis))
                .append(",\"warmupMillis\":").append(round(warmupMillis)).append(",\"flows\":[");
        for (int i = 0; i < flows.length; i++) {
            Flow f = flows[i];
            s.append(i == 0 ? "" : ",").append("{\"startMillis\":").append(round(f.startMillis))
                    .append(",\"goodputBits\":").append(Math.round(f.goodputBits)).append(",\"perSecondBits\":[");
            for (int k = 0; k < f.perSecondBits.length; k++) {
                s.append(k == 0 ? "" : ",").append(Math.round(f.perSecondBits[k]));
            }
            s.append("],\"convergedAfterMillis\":").append(f.convergedAfterMillis).append(",\"retransmissions\":")
                    .append(f.retransmissions).append(",\"cwnd\":").append(f.cwnd).append('}');
        }
        s.append("],\"goodputShare\":").append(round(goodputShare())).append(",\"jainIndex\":")
                .append(round(jainIndex())).append(",\"linkUse\":").append(round(linkUse))
                .append(",\"queueDelayMillis\":{\"p50\":").append(round(queueDelayP50Millis)).append(",\"p90\":")
                .append(round(queueDelayP90Millis)).append(",\"p99\":").append(round(queueDelayP99Millis))
                .append(",\"max\":").append(round(queueDelayMaxMillis)).append("},\"queueDrops\":").append(queueDrops)
                .append('}');
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiFlowReport r && toJson().equals(r.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }

    private static String round(double v) {
        return String.valueOf(Math.round(v * 1000) / 1000.0);
    }
}
