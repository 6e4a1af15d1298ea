package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CongestionConfigTest {

    @Test
    void defaults() {
        CongestionConfig c = CongestionConfig.defaults();
        assertEquals(CongestionConfig.Algorithm.BBR, c.algorithm());
        assertEquals(12_000, c.initialWindowBytes());
        assertEquals(0, c.minPacingRate());
        assertEquals(0, c.maxPacingRate());
        assertEquals(0.45, c.lossThreshold());
        assertInstanceOf(BbrCongestionControl.class, c.newController());
        assertEquals(12_000, c.newController().congestionWindow());
    }

    @Test
    void buildsWhatWasSet() {
        CongestionConfig c = CongestionConfig.builder().initialWindowBytes(30_000).minPacingRate(50_000)
                .maxPacingRate(2_000_000).pacingBurstBytes(0).lossThreshold(0.2).build();
        assertEquals(30_000, c.initialWindowBytes());
        assertEquals(50_000, c.minPacingRate());
        assertEquals(2_000_000, c.maxPacingRate());
        assertEquals(0, c.pacingBurstBytes());
        assertEquals(0.2, c.lossThreshold());
        assertTrue(c.toString().contains("maxPacingRate=2000000"));
        assertTrue(c.newController().pacingRate() <= 2_000_000, "the ceiling holds from the start");
    }

    @Test
    void noneMeansUnlimited() {
        CongestionController cc = CongestionConfig.builder().algorithm(CongestionConfig.Algorithm.NONE).build()
                .newController();
        assertInstanceOf(NoCongestionControl.class, cc);
        cc.onSent(0, 1200, 1200, 0);
        cc.onLost(0, 1200, 1);
        assertEquals(Long.MAX_VALUE, cc.congestionWindow());
        assertTrue(cc.nextSendTime(1200, 0) <= 0);
        assertEquals(0, cc.pacingRate());
    }

    @Test
    void rejectsValuesOutOfRangeNamingThem() {
        assertMessage("initialWindowBytes", () -> CongestionConfig.builder().initialWindowBytes(1000));
        assertMessage("initialWindowBytes", () -> CongestionConfig.builder().initialWindowBytes(2 << 20));
        assertMessage("minPacingRate", () -> CongestionConfig.builder().minPacingRate(-1));
        assertMessage("minPacingRate", () -> CongestionConfig.builder().minPacingRate(999));
        assertMessage("maxPacingRate", () -> CongestionConfig.builder().maxPacingRate(2_000_000_000_000L));
        assertMessage("pacingBurstBytes", () -> CongestionConfig.builder().pacingBurstBytes(-1));
        assertMessage("lossThreshold", () -> CongestionConfig.builder().lossThreshold(0.6));
        assertMessage("lossThreshold", () -> CongestionConfig.builder().lossThreshold(Double.NaN));
        assertMessage("algorithm", () -> CongestionConfig.builder().algorithm(null));
        assertMessage("must not exceed maxPacingRate",
                () -> CongestionConfig.builder().minPacingRate(2_000_000).maxPacingRate(1_000_000).build());
    }

    private static void assertMessage(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
