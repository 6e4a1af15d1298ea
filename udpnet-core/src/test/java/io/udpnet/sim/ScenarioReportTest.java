package io.udpnet.sim;

import io.udpnet.Delivery;
import io.udpnet.impair.LinkConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioReportTest {

    private static ScenarioReport report(Delivery d, long sent, long delivered, long duplicates, long outOfOrder,
            boolean completed, boolean timeLimitReached) {
        return new ScenarioReport(d, 1, sent, delivered, delivered * 100, duplicates, outOfOrder, 0, 10, 0, 2_000,
                completed, timeLimitReached, 40, 80, 12_000);
    }

    @Test
    void aRunCutShortByTheTimeLimitBrokeNothingButDidNotHold() {
        ScenarioReport r = report(Delivery.RELIABLE_ORDERED, 100, 60, 0, 0, false, true);
        assertFalse(r.guaranteeBroken());
        assertFalse(r.guaranteesHeld());
    }

    @Test
    void violationsBreakAGuaranteeEvenWhenTheTimeLimitWasReached() {
        assertTrue(report(Delivery.RELIABLE_ORDERED, 100, 60, 1, 0, false, true).guaranteeBroken());
        assertTrue(report(Delivery.UNRELIABLE_SEQUENCED, 100, 60, 0, 1, true, false).guaranteeBroken());
        assertFalse(report(Delivery.RELIABLE_UNORDERED, 100, 100, 0, 5, true, false).guaranteeBroken());
    }

    @Test
    void reliableMessagesMissingWithoutTheTimeLimitAreABrokenGuarantee() {
        // The connection ended (e.g. it never opened) before every message arrived.
        ScenarioReport r = report(Delivery.RELIABLE_ORDERED, 100, 0, 0, 0, false, false);
        assertTrue(r.guaranteeBroken());
        assertFalse(r.guaranteesHeld());
        assertFalse(report(Delivery.UNRELIABLE, 100, 0, 0, 0, false, false).guaranteeBroken());
    }

    @Test
    void goodputCountsTheTimeAfterTheHandshake() {
        // 100 messages of 100 bytes are 80,000 bits, delivered in the 1.92 s after an 80 ms handshake.
        ScenarioReport r = report(Delivery.RELIABLE_ORDERED, 100, 100, 0, 0, true, false);
        assertEquals(80_000 / 1.92 / 1e6, r.goodputMbitPerSecond(), 1e-9);
    }

    @Test
    void aShortTimeLimitStopsARealRun() {
        ScenarioReport r = Scenario.builder().messages(1_000_000).link(LinkConfig.builder()
                .latency(Duration.ofMillis(50)).build()).timeLimit(Duration.ofMillis(500)).build().run();
        assertTrue(r.timeLimitReached(), r.toJson());
        assertFalse(r.guaranteeBroken(), r.toJson());
        assertTrue(r.delivered() < r.sent(), r.toJson());
    }
}
