package io.udpnet.engine;

/**
 * Decides, once per round trip, whether recent loss means congestion. Two signals, after BBRv2 and after TCP
 * Veno's idea of telling random loss from congestion loss by the queue:
 * <ul>
 * <li>a round whose every RTT sample shows a queue (a quarter above the minimum RTT) and that loses more than
 *     {@value #QUEUED_LOSS_THRESHOLD} of its datagrams: the queue is overflowing;</li>
 * <li>otherwise, more than the configured fraction lost over the last {@value #WINDOW_ROUNDS} rounds: heavy
 *     loss that persists. Looking at several rounds keeps a few unlucky rounds on a randomly lossy link from
 *     counting; a small round of a handful of datagrams says little on its own.</li>
 * </ul>
 * Fewer than a minimum number of lost datagrams never counts. After a verdict of congestion, the history starts
 * over, so that the next one rests on fresh evidence.
 *
 * <p>It also keeps the path's {@linkplain #randomLossRate() random loss rate}, from the rounds that give no reason
 * to blame a queue, and says whether a queue {@linkplain #lastRoundQueued() stood} through the last round.
 */
final class LossMonitor {
    static final int WINDOW_ROUNDS = 4;
    static final double QUEUED_LOSS_THRESHOLD = 0.02;
    /**
     * RTT above the minimum that never counts as a standing queue: what the two ends' threads add by waking up and
     * reading in batches. On a path of microseconds (loopback, a LAN) the minimum RTT is one lucky sample, every
     * round is an eighth above it, and taking that for a queue would hold the window at a few datagrams.
     */
    static final long HOST_DELAY_NANOS = 1_000_000;
    private static final double RANDOM_LOSS_DECAY = 7.0 / 8;

    private final double threshold;
    /**
     * Per round of the window, at {@code 3 * slot}: bytes lost, datagrams lost, bytes delivered. Null stands for all
     * zeros: a new or idle connection holds no array ({@link #trim}).
     */
    private long[] history;
    private int next;

    private long roundLostBytes;
    private long roundProbingLostBytes;
    private int roundLostCount;
    private long roundMinRtt = Long.MAX_VALUE;
    private long roundMaxRtt;
    private long roundMaxInflight;
    private long lastRoundMaxInflight;
    private boolean lastQueued;
    private boolean queuedRound;

    // Loss of the rounds that showed no standing queue, decayed by 7/8 a round: the path's random loss.
    private double cleanLost;
    private double cleanTotal;
    private double randomLoss;

    /** @param threshold the fraction of datagrams lost over several rounds that counts as congestion */
    LossMonitor(double threshold) {
        this.threshold = threshold;
    }

    void onSent(long bytesInFlight) {
        roundMaxInflight = Math.max(roundMaxInflight, bytesInFlight);
    }

    /**
     * A datagram was declared lost; {@code sentProbing}: it was sent while the flow pushed beyond its estimate (a
     * bandwidth probe or startup), when a loss is likely the queue's, whatever the RTT of the round it is detected in.
     */
    void onLost(int bytes, boolean sentProbing) {
        roundLostBytes += bytes;
        if (sentProbing) {
            roundProbingLostBytes += bytes;
        }
        roundLostCount++;
    }

    void onRttSample(long rtt) {
        roundMinRtt = Math.min(roundMinRtt, rtt);
        roundMaxRtt = Math.max(roundMaxRtt, rtt);
    }

    /**
     * Ends a round trip in which {@code delivered} bytes were acknowledged; returns whether it was congested.
     *
     * @param minRtt    the path's minimum RTT, or a negative value when unknown
     * @param minEvents fewest lost datagrams that may count as congestion
     */
    boolean endRound(long delivered, long minRtt, int minEvents, long bytesInFlight) {
        int slot = next;
        next = (next + 1) % WINDOW_ROUNDS;
        if (history == null) {
            history = new long[3 * WINDOW_ROUNDS];
        }
        long[] h = history;
        h[3 * slot] = roundLostBytes;
        h[3 * slot + 1] = roundLostCount;
        h[3 * slot + 2] = delivered;
        boolean queued = minRtt > 0 && roundMinRtt != Long.MAX_VALUE && roundMinRtt > minRtt + minRtt / 4;
        boolean longQueue = minRtt <= 0 || roundMaxRtt > 2 * minRtt;
        if (!queued && !longQueue && roundLostBytes + delivered > 0) {
            // No queue stood through the round, nor did one grow as long as the path itself, so what it lost was
            // not a queue overflowing: count it as the path's random loss, except what was sent while probing.
            // Rounds with a queue are left out: their loss may be the queue's.
            long lost = roundLostBytes - roundProbingLostBytes;
            cleanLost = cleanLost * RANDOM_LOSS_DECAY + lost;
            cleanTotal = cleanTotal * RANDOM_LOSS_DECAY + lost + delivered;
            randomLoss = cleanTotal <= 0 ? 0 : Math.min(threshold, cleanLost / cleanTotal);
        }
        lastQueued = queued;
        queuedRound = minRtt > 0 && roundMinRtt != Long.MAX_VALUE
                && roundMinRtt > minRtt + Math.max(minRtt / 8, HOST_DELAY_NANOS);
        boolean congested = queued && roundLostCount >= minEvents
                && roundLostBytes > QUEUED_LOSS_THRESHOLD * (roundLostBytes + delivered);
        if (!congested) {
            long lost = 0;
            long count = 0;
            long total = 0;
            for (int i = 0; i < 3 * WINDOW_ROUNDS; i += 3) {
                lost += h[i];
                count += h[i + 1];
                total += h[i] + h[i + 2];
            }
            congested = count >= minEvents && lost > threshold * total;
            lastQueued = false;
        }
        if (congested) {
            java.util.Arrays.fill(h, 0);
        }
        lastRoundMaxInflight = roundMaxInflight;
        roundLostBytes = 0;
        roundProbingLostBytes = 0;
        roundLostCount = 0;
        roundMinRtt = Long.MAX_VALUE;
        roundMaxRtt = 0;
        roundMaxInflight = bytesInFlight;
        return congested;
    }

    /**
     * For an idle connection (nothing in flight, no message for half a keep-alive interval): forgets the rounds of
     * the window, which are too old to say anything about the path when traffic resumes. The random loss rate stays.
     */
    void trim() {
        history = null;
        next = 0;
    }

    /**
     * The fraction of bytes lost in recent rounds that showed no standing queue, at most the congestion threshold:
     * loss the path inflicts whatever the rate (a lossy radio link), as opposed to a queue overflowing. Loss above
     * the threshold is congestion of a kind that builds no queue (a policer), and is not taken for random.
     */
    double randomLossRate() {
        return randomLoss;
    }

    /** Most bytes in flight during the round just ended. */
    long lastRoundMaxInflight() {
        return lastRoundMaxInflight;
    }

    /**
     * Whether every RTT sample of the round just ended exceeded the minimum RTT by more than an eighth (and more
     * than {@link #HOST_DELAY_NANOS}): a queue, if a short one, stood through the whole round.
     */
    boolean lastRoundQueued() {
        return queuedRound;
    }

    /** Whether the round just ended was judged congested by the queue signal. */
    boolean lastJudgedByQueue() {
        return lastQueued;
    }
}
