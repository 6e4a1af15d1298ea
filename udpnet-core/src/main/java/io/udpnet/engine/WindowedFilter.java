package io.udpnet.engine;

/**
 * The best (largest or smallest) value seen within a sliding window of "time", which may be nanoseconds or a
 * count of round trips. Kathleen Nichols' algorithm: it keeps the best, second-best and third-best samples of
 * successive sub-windows, so that when the best one ages out a good estimate of the best in the remaining window
 * is already at hand, in constant space and time.
 */
final class WindowedFilter {
    private final boolean max;
    private final long window;
    // The best, second-best and third-best samples and their times: fields rather than arrays, a connection has one.
    private long value0;
    private long value1;
    private long value2;
    private long time0;
    private long time1;
    private long time2;
    private boolean empty = true;

    /**
     * @param max    true to track the largest value, false the smallest
     * @param window how long a sample counts, in the units of the times passed to {@link #update}
     */
    WindowedFilter(boolean max, long window) {
        if (window <= 0) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        this.max = max;
        this.window = window;
    }

    /** Adds a sample taken at {@code t} (times never decrease) and returns the updated best. */
    long update(long v, long t) {
        if (empty || !worse(v, value0) || t - time2 > window) {
            // A new best, or every kept sample is older than the window: start over from this one.
            reset(v, t);
            return value0;
        }
        if (!worse(v, value1)) {
            set(1, v, t);
            set(2, v, t);
        } else if (!worse(v, value2)) {
            set(2, v, t);
        }
        long age = t - time0;
        if (age > window) {
            // The best has expired: the runners-up move up and this sample becomes the third.
            shift(v, t);
            if (t - time0 > window) {
                shift(v, t);
            }
        } else if (time1 == time0 && age > window / 4) {
            // A quarter of the window has passed with a single best: keep a fresher second-best.
            set(1, v, t);
            set(2, v, t);
        } else if (time2 == time1 && age > window / 2) {
            set(2, v, t);
        }
        return value0;
    }

    /** The best value in the window, or {@code fallback} if no sample was taken yet. */
    long best(long fallback) {
        return empty ? fallback : value0;
    }

    boolean isEmpty() {
        return empty;
    }

    /** Forgets every sample. */
    void clear() {
        empty = true;
    }

    /** Replaces every kept sample with {@code v} at {@code t}. */
    void reset(long v, long t) {
        empty = false;
        for (int i = 0; i < 3; i++) {
            set(i, v, t);
        }
    }

    private void shift(long v, long t) {
        set(0, value1, time1);
        set(1, value2, time2);
        set(2, v, t);
    }

    private boolean worse(long a, long b) {
        return max ? a < b : a > b;
    }

    private void set(int i, long v, long t) {
        switch (i) {
            case 0 -> {
                value0 = v;
                time0 = t;
            }
            case 1 -> {
                value1 = v;
                time1 = t;
            }
            default -> {
                value2 = v;
                time2 = t;
            }
        }
    }
}
