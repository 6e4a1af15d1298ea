package io.udpnet.engine;

import io.udpnet.CongestionConfig;
/**
 * Model-based congestion control after BBR (Cardwell et al., "BBR: Congestion-Based Congestion Control", and the
 * IETF draft draft-cardwell-iccrg-bbr-congestion-control). The sender keeps a model of the path, the bottleneck
 * bandwidth (the largest delivery rate sampled over the last {@value #BW_WINDOW_ROUNDS} round trips) and the
 * minimum round-trip time (over {@value #MIN_RTT_WINDOW_SECONDS} s), and sends at {@code gain x bandwidth} with
 * {@code gain x bandwidth x minRtt} bytes in flight at most. It goes through four modes:
 * <ul>
 * <li>STARTUP doubles the rate each round until the bandwidth estimate stops growing by a quarter over three
 *     rounds, or when loss counts as congestion;</li>
 * <li>DRAIN empties the queue that startup built;</li>
 * <li>PROBE_BW cycles the pacing gain through 1.25 (probe for more), 0.75 (drain what that queued) and six
 *     rounds of 1;</li>
 * <li>PROBE_RTT, when the minimum RTT has not been seen again for its whole window, holds
 *     {@value #MIN_WINDOW_SEGMENTS} datagrams in flight for {@value #PROBE_RTT_MILLIS} ms so the queue drains
 *     and the true propagation delay shows.</li>
 * </ul>
 * Loss is not a signal in itself, so random loss (a radio link) does not slow it down: {@link LossMonitor} keeps
 * the loss rate of round trips that showed no queue, and each delivery-rate sample is scaled up by it, so the
 * estimate is what the path carried rather than what survived it. Congestion is a signal, in the manner of BBRv2
 * (see {@link LossMonitor} for when loss counts as congestion): a congested round trip lowers an upper bound on
 * bytes in flight to 0.7 times the most that was in flight; rounds without congestion raise the bound again by one,
 * two, four... datagrams while the flow is held by it. And a queue that stood through a whole round, outside a
 * bandwidth probe, shrinks the window to what the flow delivered in that round times the minimum RTT, so that
 * flows sharing a bottleneck drain the queue their estimates, each a maximum over several rounds, would keep full.
 *
 * <p>The rate floor and ceiling of {@link CongestionConfig} clamp the pacing rate; the floor also keeps the window
 * at least as large as BBR would make it for a path of the floor's bandwidth.
 *
 * <p>Not thread-safe; in steady flow allocates nothing (the per-datagram samples grow to what is in flight once, and
 * shrink back when the connection is idle).
 *
 * <p>Long because BBR's phases (startup, drain, probing bandwidth, probing RTT) share one model of the path and read
 * more clearly in one place; the filters, the delivery-rate sampler, ack aggregation and the loss estimate are
 * classes of their own.
 */
final class BbrCongestionControl implements CongestionController {
    /** The modes of the state machine. */
    enum Mode { STARTUP, DRAIN, PROBE_BW, PROBE_RTT }

    static final int BW_WINDOW_ROUNDS = 10;
    static final long MIN_RTT_WINDOW_SECONDS = 10;
    static final long PROBE_RTT_MILLIS = 200;
    static final int MIN_WINDOW_SEGMENTS = 4;
    static final long MAX_AGGREGATION_MILLIS = 100;
    /** 2 / ln 2: the smallest gain that doubles the delivery rate each round. */
    static final double STARTUP_GAIN = 2.885;
    static final double DRAIN_GAIN = 1 / STARTUP_GAIN;
    static final double CWND_GAIN = 2.0;
    private static final double[] PROBE_BW_GAINS = {1.25, 0.75, 1, 1, 1, 1, 1, 1};
    /** Pace a little under the estimate so a queue does not build from estimation error alone. */
    private static final double PACING_MARGIN = 0.99;
    private static final double BETA = 0.7;
    /** Fewer lost datagrams than this never count as congestion: too few to estimate a loss rate from. */
    private static final int MIN_LOSS_EVENTS = 3;
    /** In startup, where rounds hold few datagrams, a randomly lossy link must not end the search early. */
    private static final int MIN_STARTUP_LOSS_EVENTS = 8;
    private static final long MIN_RTT_WINDOW = MIN_RTT_WINDOW_SECONDS * 1_000_000_000L;
    private static final long PROBE_RTT_DURATION = PROBE_RTT_MILLIS * 1_000_000L;
    /** Round-trip time assumed for the first pacing rate, before any sample: as in the BBR draft. */
    private static final long NOMINAL_RTT = 1_000_000L;
    private static final long UNBOUNDED = Long.MAX_VALUE;

    private final CongestionConfig config;
    private final DeliveryRateSampler sampler = new DeliveryRateSampler();
    private final WindowedFilter maxBw = new WindowedFilter(true, BW_WINDOW_ROUNDS);
    private final Pacer pacer;
    private final LossMonitor losses;
    private final AckAggregation aggregation = new AckAggregation();

    private Mode mode = Mode.STARTUP;
    private double pacingGain = STARTUP_GAIN;
    private double cwndGain = CWND_GAIN;
    /** The largest datagram seen: the unit of the minimum window and of window growth. */
    private long segment = 1200;
    private long cwnd;
    private long srtt;
    private boolean pacedFromRtt;
    private boolean idleRestart;
    private long minRtt = -1;
    private long minRttStamp;
    private long ackedThisAck;

    // Round trips: a round ends when a datagram sent after the previous round ended is acknowledged.
    private long roundCount;
    private long nextRoundDelivered;
    private boolean roundStart;
    private long roundDeliveredStart;
    private long roundStartTime;
    /** What the last round delivered per second, scaled up by the random loss rate as the bandwidth samples are. */
    private long lastRoundRate;
    /** 1 / (1 - random loss rate): what the path carried for each byte delivered. Updated once a round. */
    private double lossScale = 1;

    // The bound heavy loss sets on bytes in flight, and how fast it grows back.
    private long inflightHi = UNBOUNDED;
    private long hiGrowth;
    private int congestedRounds;
    private int queuedCongestedRounds;
    /** Whether a queue stood through the whole of the last round: the flows together send more than the path. */
    private boolean queueStanding;

    private long fullBw;
    private int fullBwCount;
    private boolean filledPipe;

    private int cycleIndex;
    private long cycleStamp;
    private boolean lossInCycle;

    private long probeRttDone;
    private boolean probeRttRoundDone;
    private long priorCwnd;

    /** A controller with the given settings (its algorithm setting is not consulted). */
    public BbrCongestionControl(CongestionConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.cwnd = config.initialWindowBytes();
        this.losses = new LossMonitor(config.lossThreshold());
        this.pacer = new Pacer(config.pacingBurstBytes(),
                clampRate((long) (STARTUP_GAIN * cwnd * 1_000_000_000L / NOMINAL_RTT)));
    }

    @Override
    public void onSent(int seq, int bytes, long bytesInFlight, long now) {
        segment = Math.max(segment, bytes);
        if (bytesInFlight == bytes && sampler.appLimited()) {
            // Restarting after the application ran dry: no queue is left to drain or probe into, so pace at the
            // estimate itself, whatever the phase of the gain cycle.
            idleRestart = true;
            if (mode == Mode.PROBE_BW && maxBw.best(0) > 0) {
                pacer.setRate(clampRate((long) (PACING_MARGIN * maxBw.best(0))));
            }
        }
        // The sampler's snapshot of each datagram also says whether it was sent with a pacing gain above 1 (startup
        // or a bandwidth probe).
        sampler.onSent(seq, bytesInFlight - bytes, now, pacingGain > 1);
        pacer.onSent(bytes, now);
        losses.onSent(bytesInFlight);
    }

    @Override
    public void onAcked(int seq, int bytes, long now) {
        sampler.onAcked(seq, bytes, now);
        ackedThisAck += bytes;
    }

    @Override
    public void onLost(int seq, int bytes, long now) {
        losses.onLost(bytes, sampler.onLost(seq, bytes));
        lossInCycle = true;
    }

    @Override
    public void onAppLimited(long bytesInFlight, long now) {
        sampler.onAppLimited(bytesInFlight);
    }

    @Override
    public void onAckProcessed(RttEstimator rtt, long bytesInFlight, long now) {
        if (rtt.hasSample()) {
            srtt = rtt.smoothedNanos();
        }
        long acked = ackedThisAck;
        ackedThisAck = 0;
        roundStart = false;
        if (sampler.finishAck(Math.max(minRtt, 0), now)) {
            updateRound(bytesInFlight, now);
            // Random loss after the bottleneck (a radio link) takes its share of every delivery-rate sample: the
            // path carried what was sent, the receiver saw (1 - p) of it. Left as it is, the estimate shrinks by
            // (1 - p) a round, faster than the probes can win it back beyond about 20% loss. So the sample is
            // scaled back up by the loss rate of rounds without a standing queue.
            long rate = lossScale == 1 ? sampler.rate() : (long) (sampler.rate() * lossScale);
            if (rate > 0 && (!sampler.sampleAppLimited() || rate >= maxBw.best(0))) {
                maxBw.update(rate, roundCount);
            }
            updateMinRtt(sampler.rttSample(), now);
            losses.onRttSample(sampler.rttSample());
        }
        aggregation.onAck(acked, maxBw.isEmpty() ? 0 : maxBw.best(0), roundStart, cwnd, now);
        updateMode(bytesInFlight, now);
        if (acked > 0) {
            idleRestart = false;
        }
        updatePacingRate();
        updateWindow(acked);
    }

    private void updateRound(long bytesInFlight, long now) {
        if (sampler.priorDelivered() < nextRoundDelivered) {
            return;
        }
        nextRoundDelivered = sampler.delivered();
        roundCount++;
        roundStart = true;
        long delivered = sampler.delivered() - roundDeliveredStart;
        roundDeliveredStart = sampler.delivered();
        long roundNanos = now - roundStartTime;
        roundStartTime = now;
        lastRoundRate = roundNanos <= 0 ? 0 : (long) (delivered * 1e9 / roundNanos * lossScale);
        boolean congested = losses.endRound(delivered, minRtt,
                filledPipe ? MIN_LOSS_EVENTS : MIN_STARTUP_LOSS_EVENTS, bytesInFlight);
        lossScale = 1 / (1 - losses.randomLossRate());
        long roundMaxInflight = losses.lastRoundMaxInflight();
        queueStanding = losses.lastRoundQueued();
        if (congested) {
            if (losses.lastJudgedByQueue()) {
                queuedCongestedRounds++;
            }
            onCongestedRound(roundMaxInflight, now);
        } else if (inflightHi != UNBOUNDED && roundMaxInflight + segment >= inflightHi) {
            // Held by the bound for a whole round without heavy loss: the path may carry more now.
            inflightHi += hiGrowth;
            hiGrowth = Math.min(2 * hiGrowth, Math.max(segment, inflightHi / 4));
        }
    }

    private void onCongestedRound(long roundMaxInflight, long now) {
        congestedRounds++;
        hiGrowth = segment;
        long cut = (long) (BETA * Math.min(inflightHi, roundMaxInflight));
        if (!filledPipe) {
            // Startup overshot: what was in flight is more than the path holds, but the pipe's worth is not.
            filledPipe = true;
            // Never below the minimum window: a window smaller than a datagram would never let one out again.
            inflightHi = Math.max(minWindow(), Math.max(bdp(1.0), cut));
        } else {
            inflightHi = Math.max(minWindow(), cut);
        }
        if (mode == Mode.PROBE_BW && pacingGain > 1) {
            // The probe found the limit; stop pushing.
            advanceCycle(now);
        }
    }

    private void updateMinRtt(long sample, long now) {
        boolean expired = minRtt >= 0 && now - minRttStamp > MIN_RTT_WINDOW;
        if (sample > 0 && (minRtt < 0 || sample <= minRtt || expired)) {
            minRtt = sample;
            minRttStamp = now;
        }
        // After an idle period the queue has drained by itself: the sample just taken is a fresh minimum.
        if (expired && mode != Mode.PROBE_RTT && !idleRestart) {
            enterProbeRtt();
        }
    }

    private void updateMode(long bytesInFlight, long now) {
        if (mode == Mode.STARTUP && roundStart && !sampler.sampleAppLimited()) {
            long bw = maxBw.best(0);
            if (bw >= fullBw + fullBw / 4) {
                fullBw = bw;
                fullBwCount = 0;
            } else if (++fullBwCount >= 3) {
                filledPipe = true;
            }
        }
        if (mode == Mode.STARTUP && filledPipe) {
            mode = Mode.DRAIN;
            pacingGain = DRAIN_GAIN;
            cwndGain = CWND_GAIN;
        }
        if (mode == Mode.DRAIN && bytesInFlight <= bdp(1.0)) {
            enterProbeBw(now);
        }
        if (mode == Mode.PROBE_BW && isPhaseOver(bytesInFlight, now)) {
            advanceCycle(now);
        }
        if (mode == Mode.PROBE_RTT) {
            handleProbeRtt(bytesInFlight, now);
        }
    }

    private void enterProbeBw(long now) {
        mode = Mode.PROBE_BW;
        cwndGain = CWND_GAIN;
        // Start at a phase that depends on what was delivered, so flows that start together do not probe in step;
        // never at the draining phase, which follows a probe.
        long h = sampler.delivered() * 0x9E3779B97F4A7C15L;
        int pick = (int) ((h >>> 33) % (PROBE_BW_GAINS.length - 1));
        cycleIndex = pick == 0 ? 0 : pick + 1;
        cycleStamp = now;
        pacingGain = PROBE_BW_GAINS[cycleIndex];
        lossInCycle = false;
    }

    private boolean isPhaseOver(long bytesInFlight, long now) {
        boolean fullLength = now - cycleStamp > minRtt;
        if (pacingGain > 1) {
            // Probe until the extra is in flight, or the window stops it, or loss says the path is full.
            long probeTarget = Math.min(bdp(pacingGain), congestionWindow() - segment);
            return fullLength && (lossInCycle || bytesInFlight >= probeTarget);
        }
        if (pacingGain < 1) {
            return fullLength || bytesInFlight <= bdp(1.0);
        }
        return fullLength;
    }

    private void advanceCycle(long now) {
        cycleIndex = (cycleIndex + 1) % PROBE_BW_GAINS.length;
        cycleStamp = now;
        pacingGain = PROBE_BW_GAINS[cycleIndex];
        lossInCycle = false;
    }

    private void enterProbeRtt() {
        mode = Mode.PROBE_RTT;
        pacingGain = 1;
        cwndGain = 1;
        priorCwnd = cwnd;
        probeRttDone = 0;
    }

    private void handleProbeRtt(long bytesInFlight, long now) {
        if (probeRttDone == 0) {
            if (bytesInFlight <= minWindow()) {
                // Drained: hold here for a while and at least one round trip.
                probeRttDone = now + PROBE_RTT_DURATION;
                probeRttRoundDone = false;
                nextRoundDelivered = sampler.delivered();
            }
            return;
        }
        if (roundStart) {
            probeRttRoundDone = true;
        }
        if (probeRttRoundDone && now >= probeRttDone) {
            minRttStamp = now;
            cwnd = Math.max(cwnd, priorCwnd);
            if (filledPipe) {
                enterProbeBw(now);
            } else {
                mode = Mode.STARTUP;
                pacingGain = STARTUP_GAIN;
                cwndGain = CWND_GAIN;
            }
        }
    }

    private void updatePacingRate() {
        if (!pacedFromRtt && srtt > 0) {
            // The first RTT sample replaces the nominal one the initial rate was guessed with.
            pacedFromRtt = true;
            pacer.setRate(clampRate((long) (STARTUP_GAIN * cwnd * 1_000_000_000.0 / srtt)));
        }
        long bw = maxBw.best(0);
        if (bw == 0) {
            return;
        }
        long rate = clampRate((long) (pacingGain * PACING_MARGIN * bw));
        // In startup the rate only rises: a low sample there says nothing about the path.
        if (filledPipe || rate > pacer.rate()) {
            pacer.setRate(rate);
        }
    }

    private void updateWindow(long acked) {
        long target;
        if (maxBw.isEmpty() || minRtt < 0) {
            target = config.initialWindowBytes();
        } else if (drainingStandingQueue()) {
            // What the flow got through the bottleneck last round is its share of it; that much per minimum RTT
            // keeps the pipe full and lets the queue drain. The standing queue absorbs bursts of acks meanwhile.
            long share = lastRoundRate > 0 ? Math.min(maxBw.best(0), lastRoundRate) : maxBw.best(0);
            target = (long) (share * (minRtt / 1e9)) + 3 * segment;
        } else {
            target = bdp(cwndGain) + 3 * segment + aggregationAllowance();
        }
        if (filledPipe) {
            cwnd = Math.min(cwnd + acked, target);
        } else if (cwnd < target || sampler.delivered() < config.initialWindowBytes()) {
            cwnd += acked;
        }
        cwnd = Math.max(cwnd, minWindow());
        if (mode == Mode.PROBE_RTT) {
            cwnd = Math.min(cwnd, minWindow());
        }
    }

    /**
     * The window normally has a gain of {@link #CWND_GAIN}: twice the flow's share of the pipe in flight, room for
     * acks that come late or in bursts. But when a queue stood through the whole last round, outside a probe for
     * more bandwidth, the flows sharing the bottleneck have more in flight than it carries (each one's bandwidth
     * estimate, a maximum over several rounds, remembers more than its share); a window of what each one delivered
     * in the last round times the minimum RTT then drains that queue instead of keeping it standing.
     */
    private boolean drainingStandingQueue() {
        return mode == Mode.PROBE_BW && queueStanding && pacingGain <= 1;
    }

    private long clampRate(long rate) {
        if (config.maxPacingRate() > 0) {
            rate = Math.min(rate, config.maxPacingRate());
        }
        return Math.max(rate, config.minPacingRate());
    }

    /** Bytes the path holds at {@code gain} times the estimated bandwidth-delay product. */
    private long bdp(double gain) {
        if (minRtt < 0 || maxBw.isEmpty()) {
            return config.initialWindowBytes();
        }
        return (long) (gain * maxBw.best(0) * (minRtt / 1e9));
    }

    /**
     * Room for acks that come in bursts ({@link AckAggregation}), once the pipe is known to be full, and at most what
     * the estimated bandwidth delivers in {@value #MAX_AGGREGATION_MILLIS} ms.
     */
    private long aggregationAllowance() {
        if (!filledPipe) {
            return 0;
        }
        return Math.min(aggregation.bytes(), maxBw.best(0) * MAX_AGGREGATION_MILLIS / 1000);
    }

    private long minWindow() {
        return MIN_WINDOW_SEGMENTS * segment;
    }

    @Override
    public void onIdle() {
        sampler.trim();
        losses.trim();
    }

    @Override
    public long congestionWindow() {
        long w = Math.min(cwnd, inflightHi);
        long floor = config.minPacingRate();
        if (floor > 0) {
            // The window BBR would give a path of the floor's bandwidth, or the window would hold the rate below
            // the floor: lost datagrams stay in flight until detected, so one round trip's worth is not enough.
            long rtt = Math.max(srtt, Math.max(minRtt, NOMINAL_RTT));
            w = Math.max(w, (long) (CWND_GAIN * floor * (rtt / 1e9)) + 3 * segment);
        }
        return w;
    }

    @Override
    public long nextSendTime(int bytes, long now) {
        return pacer.nextSendTime();
    }

    @Override
    public long nextWakeTime(int bytes, long now) {
        return pacer.wakeTime(bytes);
    }

    @Override
    public long pacingRate() {
        return pacer.rate();
    }

    Mode mode() {
        return mode;
    }

    /** Estimated bottleneck bandwidth in bytes per second, 0 before the first sample. */
    long bandwidth() {
        return maxBw.best(0);
    }

    /** Windowed minimum round-trip time in nanoseconds, or -1 before the first sample. */
    long minRtt() {
        return minRtt;
    }

    /** The bound heavy loss has set on bytes in flight, or {@link Long#MAX_VALUE} for none. */
    long inflightBound() {
        return inflightHi;
    }

    /** Round trips judged congested by the loss monitor. */
    int congestedRounds() {
        return congestedRounds;
    }

    /** Congested rounds judged by the lower threshold, because their RTT samples showed a queue. */
    int queuedCongestedRounds() {
        return queuedCongestedRounds;
    }

    long roundCount() {
        return roundCount;
    }
}
