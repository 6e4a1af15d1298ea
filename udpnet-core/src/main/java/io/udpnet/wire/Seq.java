package io.udpnet.wire;

/**
 * Arithmetic on 16-bit sequence numbers that wrap around (datagram and message sequences). Two sequences compare
 * by the shorter way round the circle, so 0 follows 65535; the comparison is only meaningful while the two are
 * less than 32768 apart, which every window in the protocol guarantees.
 */
public final class Seq {
    /** Number of distinct sequence values. */
    public static final int MODULUS = 1 << 16;
    /** Mask that keeps the low 16 bits. */
    public static final int MASK = MODULUS - 1;

    private Seq() {
    }

    /** {@code s + n} wrapped to 16 bits. */
    public static int add(int s, int n) {
        return (s + n) & MASK;
    }

    /** Signed distance from {@code from} to {@code to}, in -32768..32767: positive when {@code to} is newer. */
    public static int distance(int from, int to) {
        return (short) (to - from);
    }

    /** Whether {@code a} is newer than {@code b}. */
    public static boolean newer(int a, int b) {
        return distance(b, a) > 0;
    }
}
