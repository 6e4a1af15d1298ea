package io.udpnet.engine;

import io.udpnet.CongestionConfig;
/**
 * Loss-based congestion control in the manner of NewReno as RFC 9002 section 7 describes it: slow start doubles
 * the window each round trip, the first loss of a recovery episode halves it, and afterwards it grows by one
 * datagram per window acknowledged. Losses of datagrams sent before the episode began do not cut again. Every
 * loss counts as congestion, so on a randomly lossy path it sends far less than {@link BbrCongestionControl}; it is
 * here as the well-understood reference, and for paths shared with loss-based flows that expect the same.
 *
 * <p>Paced at twice the window per smoothed RTT in slow start and 1.25 times afterwards (as Linux paces its
 * loss-based flows), so that a window does not leave in one burst. The rate floor and ceiling of
 * {@link CongestionConfig} apply as they do to BBR.
 *
 * <p>Not thread-safe; allocates nothing after construction.
 */
final class NewRenoCongestionControl implements CongestionController {
    private static final int CAPACITY = SentLog.CAPACITY;
    private static final int MIN_WINDOW_SEGMENTS = 2;
    private static final double SLOW_START_PACING_GAIN = 2.0;
    private static final double PACING_GAIN = 1.25;
    /** Round-trip time assumed for pacing before any sample. */
    private static final long NOMINAL_RTT = 1_000_000L;

    private final CongestionConfig config;
    private final long[] sentTime = new long[CAPACITY];
    private final Pacer pacer;
    private long segment = 1200;
    private long window;
    private long ssthresh = Long.MAX_VALUE;
    private long recoveryStart = Long.MIN_VALUE;
    private long ackedInAvoidance;
    private long srtt;

    /** A controller with the given settings (its algorithm setting is not consulted). */
    public NewRenoCongestionControl(CongestionConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.window = config.initialWindowBytes();
        this.pacer = new Pacer(config.pacingBurstBytes(), clampRate(rateFor(NOMINAL_RTT)));
    }

    @Override
    public void onSent(int seq, int bytes, long bytesInFlight, long now) {
        segment = Math.max(segment, bytes);
        sentTime[seq & (CAPACITY - 1)] = now;
        pacer.onSent(bytes, now);
    }

    @Override
    public void onAcked(int seq, int bytes, long now) {
        if (sentTime[seq & (CAPACITY - 1)] <= recoveryStart) {
            return;   // sent before the cut: it says nothing about the window after it
        }
        if (window < ssthresh) {
            window += bytes;
        } else {
            ackedInAvoidance += bytes;
            if (ackedInAvoidance >= window) {
                ackedInAvoidance -= window;
                window += segment;
            }
        }
    }

    @Override
    public void onLost(int seq, int bytes, long now) {
        if (sentTime[seq & (CAPACITY - 1)] <= recoveryStart) {
            return;   // part of the episode already answered
        }
        recoveryStart = now;
        window = Math.max(MIN_WINDOW_SEGMENTS * segment, window / 2);
        ssthresh = window;
        ackedInAvoidance = 0;
    }

    @Override
    public void onAckProcessed(RttEstimator rtt, long bytesInFlight, long now) {
        if (rtt.hasSample()) {
            srtt = rtt.smoothedNanos();
            pacer.setRate(clampRate(rateFor(srtt)));
        }
    }

    @Override
    public void onAppLimited(long bytesInFlight, long now) {
    }

    private long rateFor(long rttNanos) {
        double gain = window < ssthresh ? SLOW_START_PACING_GAIN : PACING_GAIN;
        return (long) (gain * window * 1e9 / rttNanos);
    }

    private long clampRate(long rate) {
        if (config.maxPacingRate() > 0) {
            rate = Math.min(rate, config.maxPacingRate());
        }
        return Math.max(rate, config.minPacingRate());
    }

    @Override
    public long congestionWindow() {
        long floor = config.minPacingRate();
        if (floor > 0) {
            // As for BBR: the window must not hold the rate below the floor the application asked for.
            long rtt = Math.max(srtt, NOMINAL_RTT);
            return Math.max(window, (long) (2.0 * floor * (rtt / 1e9)) + 3 * segment);
        }
        return window;
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
}
