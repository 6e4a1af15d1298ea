package io.udpnet.engine;

/**
 * No congestion control: an unlimited window and no pacing. For tests and benchmarks that want the raw engine;
 * never for traffic on a shared network.
 */
final class NoCongestionControl implements CongestionController {

    @Override
    public void onSent(int seq, int bytes, long bytesInFlight, long now) {
    }

    @Override
    public void onAcked(int seq, int bytes, long now) {
    }

    @Override
    public void onLost(int seq, int bytes, long now) {
    }

    @Override
    public void onAckProcessed(RttEstimator rtt, long bytesInFlight, long now) {
    }

    @Override
    public void onAppLimited(long bytesInFlight, long now) {
    }

    @Override
    public long congestionWindow() {
        return Long.MAX_VALUE;
    }

    @Override
    public long nextSendTime(int bytes, long now) {
        return Long.MIN_VALUE;
    }

    /** Always 0: no pacing. */
    @Override
    public long pacingRate() {
        return 0;
    }
}
