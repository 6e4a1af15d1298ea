package io.udpnet.engine;

/**
 * Loss-based NewReno in the manner of RFC 9002 section 7 (slow start, halving once per loss episode, one datagram
 * more per round trip), unpaced: a yardstick for the BBR controller in the model tests.
 */
final class RenoForTest implements CongestionController {
    private static final int SEGMENT = 1200;
    private final long[] sentAt = new long[1024];
    private long window = 10 * SEGMENT;
    private long ssthresh = Long.MAX_VALUE;
    private long recoveryStart = Long.MIN_VALUE;
    private long bytesAcked;

    @Override
    public void onSent(int seq, int bytes, long bytesInFlight, long now) {
        sentAt[seq & 1023] = now;
    }

    @Override
    public void onAcked(int seq, int bytes, long now) {
        if (sentAt[seq & 1023] <= recoveryStart) {
            return;
        }
        if (window < ssthresh) {
            window += bytes;
        } else {
            bytesAcked += bytes;
            if (bytesAcked >= window) {
                bytesAcked -= window;
                window += SEGMENT;
            }
        }
    }

    @Override
    public void onLost(int seq, int bytes, long now) {
        if (sentAt[seq & 1023] <= recoveryStart) {
            return;
        }
        recoveryStart = now;
        window = Math.max(2 * SEGMENT, window / 2);
        ssthresh = window;
    }

    @Override
    public void onAckProcessed(RttEstimator rtt, long bytesInFlight, long now) {
    }

    @Override
    public void onAppLimited(long bytesInFlight, long now) {
    }

    @Override
    public long congestionWindow() {
        return window;
    }

    @Override
    public long nextSendTime(int bytes, long now) {
        return Long.MIN_VALUE;
    }

    @Override
    public long pacingRate() {
        return 0;
    }
}
