package io.udpnet.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A packet-level model of senders sharing one bottleneck, on virtual time. Each flow always has data, is driven by
 * a {@link CongestionController} (window and pacing), and detects loss as the engine does (three later datagrams
 * acknowledged, or 9/8 of the RTT passed since a later one was; a probe time-out for the tail). The bottleneck
 * sends {@code rate} bytes per second from a drop-tail queue of {@code buffer} bytes; after it, datagrams may be
 * lost at random with probability {@code randomLoss}, then take a fixed one-way delay to a receiver that
 * acknowledges over an uncongested return path with the same delay: each datagram at once, or (like the engine's
 * default) every second datagram, and a lone one after a maximum ack delay.
 */
final class BottleneckModel {
    static final int DATAGRAM = 1200;
    static final long BUCKET_NANOS = 100_000_000L;
    private static final int RING = 4096;
    private static final int MAX_IN_FLIGHT = 512;

    private final long rate;
    private final long buffer;
    private long oneWay;
    private long routeChangeAt = Long.MAX_VALUE;
    private long routeOneWay;
    private final double randomLoss;
    private final Random random;
    private final List<Flow> flows = new ArrayList<>();
    private final PriorityQueue<long[]> acks = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    private long busyUntil;
    private long now;
    private long maxBacklog;
    private long delayedAckNanos = -1;
    /** Mean in-flight figures count only acks after this time, so that startup does not weigh in. */
    long statsFrom;
    final long[] queueDropsPerBucket;
    final long durationNanos;

    BottleneckModel(long bitsPerSecond, long rttNanos, long bufferBytes, double randomLoss, long seed,
                    long durationNanos) {
        this.rate = bitsPerSecond / 8;
        this.oneWay = rttNanos / 2;
        this.buffer = bufferBytes;
        this.randomLoss = randomLoss;
        this.random = new Random(seed);
        this.durationNanos = durationNanos;
        this.queueDropsPerBucket = new long[(int) (durationNanos / BUCKET_NANOS) + 1];
    }

    Flow addFlow(CongestionController cc, long startNanos) {
        Flow f = new Flow(flows.size(), cc, startNanos);
        flows.add(f);
        return f;
    }

    /** Runs the model to the end of its duration. */
    void run() {
        while (true) {
            long t = durationNanos;
            if (!acks.isEmpty()) {
                t = Math.min(t, acks.peek()[0]);
            }
            for (Flow f : flows) {
                t = Math.min(t, f.nextWakeUp());
            }
            if (t >= durationNanos) {
                return;
            }
            now = Math.max(now, t);
            while (!acks.isEmpty() && acks.peek()[0] <= now) {
                long[] a = acks.poll();
                if (a[5] == 0) {
                    flows.get((int) a[1]).onAck(a[2], a[3], a[4]);
                }
            }
            for (Flow f : flows) {
                f.onTimer();
                f.sendAllowed();
            }
        }
    }

    /** The receiver acks every second datagram, and a lone one after {@code maxAckDelayNanos}. */
    void ackEverySecond(long maxAckDelayNanos) {
        delayedAckNanos = maxAckDelayNanos;
    }

    /** From {@code at} on, datagrams and acks take {@code newRttNanos / 2} each way (a route change). */
    void changeRoute(long at, long newRttNanos) {
        routeChangeAt = at;
        routeOneWay = newRttNanos / 2;
    }

    /** Largest bottleneck queue seen, in bytes. */
    long maxBacklog() {
        return maxBacklog;
    }

    long queueDropsBetween(long from, long to) {
        long n = 0;
        for (int b = (int) (from / BUCKET_NANOS); b < (int) (to / BUCKET_NANOS); b++) {
            n += queueDropsPerBucket[b];
        }
        return n;
    }

    /** Link capacity in bytes per second. */
    long rate() {
        return rate;
    }

    private void transmit(Flow f, long seq) {
        long backlog = Math.max(0, busyUntil - now) * rate / 1_000_000_000L;
        if (backlog + DATAGRAM > buffer) {
            queueDropsPerBucket[(int) (now / BUCKET_NANOS)]++;
            f.queueDrops++;
            return;
        }
        maxBacklog = Math.max(maxBacklog, backlog + DATAGRAM);
        busyUntil = Math.max(busyUntil, now) + DATAGRAM * 1_000_000_000L / rate;
        if (random.nextDouble() < randomLoss) {
            f.randomDrops++;
            return;
        }
        if (now >= routeChangeAt) {
            oneWay = routeOneWay;
        }
        long arrival = busyUntil + oneWay;
        f.receivedPerBucket[(int) Math.min(arrival / BUCKET_NANOS, f.receivedPerBucket.length - 1)] += DATAGRAM;
        if (delayedAckNanos < 0) {
            acks.add(new long[]{arrival + oneWay, f.index, seq, -1, 0, 0});
        } else if (f.pendingAck != null && arrival <= f.pendingArrival + delayedAckNanos) {
            // The second datagram: one ack for both, at once; the delayed one for the first is cancelled.
            f.pendingAck[5] = 1;
            acks.add(new long[]{arrival + oneWay, f.index, f.pendingAck[2], seq, 0, 0});
            f.pendingAck = null;
        } else {
            f.pendingAck = new long[]{arrival + delayedAckNanos + oneWay, f.index, seq, -1, delayedAckNanos, 0};
            f.pendingArrival = arrival;
            acks.add(f.pendingAck);
        }
    }

    /** One sender and what was measured of it. */
    final class Flow {
        final int index;
        final CongestionController cc;
        final RttEstimator rtt = new RttEstimator(100_000_000L);
        final long start;
        final long[] receivedPerBucket;
        private final long[] sentAt = new long[RING];
        private final boolean[] outstanding = new boolean[RING];
        private long nextSeq;
        private long oldest;
        private long largestAcked = -1;
        private long inflight;
        private int inflightCount;
        private long lastAckAt;
        long queueDrops;
        long randomDrops;
        long declaredLost;
        long sent;
        private double inflightSum;
        private long inflightSamples;
        private long minPacingRate = Long.MAX_VALUE;
        private long maxPacingRate;
        // What the application offers: unlimited (rate 0), or a rate from a given time on.
        private final List<long[]> appPhases = new ArrayList<>();
        private long appRate;
        private double appBudget;
        private long appUpdated;
        long appLimitedCalls;
        // Receiver side: the ack held back for a lone datagram, {time, flow, seq, seq2, delay, cancelled}.
        private long[] pendingAck;
        private long pendingArrival;
        private int probeCount;

        Flow(int index, CongestionController cc, long start) {
            this.index = index;
            this.cc = cc;
            this.start = start;
            this.receivedPerBucket = new long[queueDropsPerBucket.length];
        }

        /**
         * From {@code at} on, the application offers {@code bytesPerSecond} (0: always has data). Phases are added
         * in time order; a limited phase starts with nothing queued.
         */
        void appRate(long at, long bytesPerSecond) {
            appPhases.add(new long[]{at, bytesPerSecond});
        }

        private void advanceApp() {
            while (!appPhases.isEmpty() && appPhases.get(0)[0] <= now) {
                long[] p = appPhases.remove(0);
                accrue(p[0]);
                appBudget = appRate == 0 ? 0 : appBudget;
                appRate = p[1];
            }
            accrue(now);
        }

        private void accrue(long t) {
            if (appRate != 0 && t > appUpdated) {
                appBudget += appRate * ((t - appUpdated) / 1e9);
            }
            appUpdated = Math.max(appUpdated, t);
        }

        private boolean hasData() {
            return appRate == 0 || appBudget >= DATAGRAM;
        }

        long nextWakeUp() {
            long t = Long.MAX_VALUE;
            if (inflightCount > 0) {
                t = lastSendOrAck() + probeTimeout();
            }
            if (!appPhases.isEmpty()) {
                t = Math.min(t, Math.max(now + 1, appPhases.get(0)[0]));
            }
            if (now < start) {
                return Math.min(t, start);
            }
            if (canSendByWindow()) {
                long paced = Math.max(now + 1, cc.nextSendTime(DATAGRAM, now));
                if (!hasData()) {
                    paced = Math.max(paced, now + 1 + (long) Math.ceil((DATAGRAM - appBudget) * 1e9 / appRate));
                }
                t = Math.min(t, paced);
            }
            return t;
        }

        private boolean canSendByWindow() {
            return inflight + DATAGRAM <= cc.congestionWindow() && inflightCount < MAX_IN_FLIGHT;
        }

        void sendAllowed() {
            advanceApp();
            while (now >= start && canSendByWindow() && cc.nextSendTime(DATAGRAM, now) <= now) {
                if (!hasData()) {
                    // Window and pacing would allow a datagram, but the application has none to give.
                    appLimitedCalls++;
                    cc.onAppLimited(inflight, now);
                    return;
                }
                if (appRate != 0) {
                    appBudget -= DATAGRAM;
                }
                long seq = nextSeq++;
                int slot = (int) (seq % RING);
                sentAt[slot] = now;
                outstanding[slot] = true;
                if (inflightCount == 0) {
                    oldest = seq;
                }
                inflight += DATAGRAM;
                inflightCount++;
                sent++;
                cc.onSent((int) (seq & 0xFFFF), DATAGRAM, inflight, now);
                transmit(this, seq);
            }
        }

        /** An ack for {@code seq} and, unless -1, {@code seq2}, held back {@code ackDelay} at the receiver. */
        void onAck(long seq, long seq2, long ackDelay) {
            boolean first = acknowledge(seq, ackDelay);
            boolean second = seq2 >= 0 && acknowledge(seq2, ackDelay);
            if (!first && !second) {
                return;
            }
            // The engine's time threshold with its initial factor (9/8) and floor.
            long lossDelay = Math.max(rtt.lossFloorNanos(), rtt.lossReferenceNanos() * SentLog.INITIAL_TIME_EIGHTHS / 8);
            for (long s = oldest; s < largestAcked && inflightCount > 0; s++) {
                int k = (int) (s % RING);
                if (outstanding[k] && (largestAcked - s >= SentLog.INITIAL_PACKET_THRESHOLD || sentAt[k] + lossDelay <= now)) {
                    lose(s);
                }
            }
            cc.onAckProcessed(rtt, inflight, now);
            if (now < statsFrom) {
                return;
            }
            inflightSum += inflight;
            inflightSamples++;
            minPacingRate = Math.min(minPacingRate, cc.pacingRate());
            maxPacingRate = Math.max(maxPacingRate, cc.pacingRate());
        }

        private boolean acknowledge(long seq, long ackDelay) {
            int slot = (int) (seq % RING);
            if (seq < nextSeq - RING || !outstanding[slot]) {
                return false;
            }
            lastAckAt = now;
            remove(seq);
            cc.onAcked((int) (seq & 0xFFFF), DATAGRAM, now);
            if (seq > largestAcked) {
                largestAcked = seq;
                rtt.update(now - sentAt[slot], ackDelay);
                probeCount = 0;
            }
            return true;
        }

        /**
         * The probe time-out: the oldest datagram outstanding is declared lost so that sending resumes. As in the
         * engine, the time-out doubles with each one in a row, until an ack gives a new RTT sample.
         */
        void onTimer() {
            if (inflightCount > 0 && now >= lastSendOrAck() + probeTimeout()) {
                lose(oldest);
                lastAckAt = now;
                probeCount++;
            }
        }

        private long lastSendOrAck() {
            return Math.max(lastAckAt, sentAt[(int) ((nextSeq - 1) % RING)]);
        }

        private long probeTimeout() {
            return rtt.probeTimeoutNanos(delayedAckNanos < 0 ? 0 : delayedAckNanos) << Math.min(probeCount, 16);
        }

        private void lose(long seq) {
            remove(seq);
            declaredLost++;
            cc.onLost((int) (seq & 0xFFFF), DATAGRAM, now);
        }

        private void remove(long seq) {
            outstanding[(int) (seq % RING)] = false;
            inflight -= DATAGRAM;
            inflightCount--;
            while (inflightCount > 0 && !outstanding[(int) (oldest % RING)]) {
                oldest++;
            }
        }

        /** Bytes received per second between the two times. */
        double goodput(long from, long to) {
            long bytes = 0;
            for (int b = (int) (from / BUCKET_NANOS); b < (int) (to / BUCKET_NANOS); b++) {
                bytes += receivedPerBucket[b];
            }
            return bytes * 1e9 / (to - from);
        }

        /** Mean bytes in flight seen after each ack from {@code statsFrom} on. */
        double meanInflight() {
            return inflightSamples == 0 ? 0 : inflightSum / inflightSamples;
        }

        long minPacingRateSeen() {
            return minPacingRate;
        }

        long maxPacingRateSeen() {
            return maxPacingRate;
        }
    }
}
