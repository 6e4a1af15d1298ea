package io.udpnet.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --clients} as one count or a list, and the idle phase's length. */
class ScaleScenarioTest {
    @Test
    void oneCountOrAList() {
        assertEquals(List.of(10_000), ScaleScenario.parseClients("10000"));
        assertEquals(List.of(1_000, 5_000, 10_000), ScaleScenario.parseClients("1000,5000,10000"));
        assertEquals(List.of(1_000, 5_000), ScaleScenario.parseClients(" 1_000 , 5000 "));
        assertEquals(List.of(1, 100_000), ScaleScenario.parseClients("1,100000"));
    }

    @Test
    void badListsSayWhatIsWrong() {
        assertBad("1..100000 expected, got 0", "0");
        assertBad("1..100000 expected, got 100001", "5,100001");
        assertBad("1..100000 expected, got -3", "-3");
        assertBad("a whole number expected, got 'lots'", "10,lots");
        assertBad("a count expected between the commas", "10,,20");
        assertBad("a count expected between the commas", "10,");
        assertBad("a count expected between the commas", "");
        assertBad("10 given twice", "10,20,10");
        assertBad("at most 10 counts, got 11", "1,2,3,4,5,6,7,8,9,10,11");
    }

    private static void assertBad(String message, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScaleScenario.parseClients(text), text);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void idlePhaseHoldsTwoKeepAliveIntervalsExceptInSmokeRuns() {
        assertEquals(5_000_000_000L, ScaleScenario.idleNanos(1));
        assertEquals(0, ScaleScenario.settleNanos(1));
        assertEquals(2 * io.udpnet.ConnectionConfig.defaults().keepAliveNanos(), ScaleScenario.idleNanos(2));
        assertEquals(30_000_000_000L, ScaleScenario.idleNanos(600));
        assertEquals(5_000_000_000L, ScaleScenario.settleNanos(2));
    }

    @Test
    void theLoadTakesAClientThreadPer2500Connections() {
        assertEquals(1, ScaleLoad.clientThreads(1));
        assertEquals(1, ScaleLoad.clientThreads(2_500));
        assertEquals(2, ScaleLoad.clientThreads(2_501));
        assertEquals(4, ScaleLoad.clientThreads(10_000));
    }
}
