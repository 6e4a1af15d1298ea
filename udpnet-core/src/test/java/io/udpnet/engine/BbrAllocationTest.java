package io.udpnet.engine;

import io.udpnet.CongestionConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The controllers' per-datagram paths allocate nothing once constructed. */
class BbrAllocationTest {
    private static final int SIZE = 1200;
    private static final long MS = 1_000_000L;

    @ParameterizedTest
    @EnumSource(value = CongestionConfig.Algorithm.class, names = {"BBR", "NEW_RENO"})
    void steadyStateAllocatesNothing(CongestionConfig.Algorithm algorithm) throws Exception {
        // Reached by reflection: the tests are compiled inside the module, which does not read java.management.
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
        CongestionController cc = CongestionControllers.create(CongestionConfig.builder().algorithm(algorithm).build());
        RttEstimator rtt = new RttEstimator(100 * MS);
        // Each run leaves its last datagrams unacknowledged; the next one's datagrams land in their slots, and the
        // per-datagram arrays grow once to full size. Two warm-up runs, so the measured one is steady.
        drive(cc, rtt, 0, 20_000);
        drive(cc, rtt, 20_000, 40_000);
        long before = (long) allocatedBytes.invoke(threads);
        drive(cc, rtt, 40_000, 200_000);
        long allocated = (long) allocatedBytes.invoke(threads) - before;
        // The measuring call itself may allocate a little; a per-datagram allocation would be megabytes.
        assertTrue(allocated < 4096, allocated + " bytes allocated for 160 000 datagrams");
    }

    /** A datagram every 0.1 ms, each acknowledged 50 ms later, one in fifty lost. */
    private static void drive(CongestionController cc, RttEstimator rtt, int from, int to) {
        long inflight = 0;
        int lag = 500;
        for (int i = from; i < to; i++) {
            long now = i * MS / 10;
            inflight += SIZE;
            cc.onSent(i & 0xFFFF, SIZE, inflight, now);
            cc.nextSendTime(SIZE, now);
            int old = i - lag;
            if (old >= from) {
                if (old % 50 == 0) {
                    cc.onLost(old & 0xFFFF, SIZE, now);
                } else {
                    cc.onAcked(old & 0xFFFF, SIZE, now);
                    rtt.update(50 * MS, 0);
                }
                inflight -= SIZE;
                cc.onAckProcessed(rtt, inflight, now);
                cc.congestionWindow();
            }
        }
    }
}
