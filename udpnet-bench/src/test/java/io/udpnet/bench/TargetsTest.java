package io.udpnet.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scale targets as the report states them: idle figures judged only after a full idle phase. */
class TargetsTest {
    private static BenchRun.Outcome scaleOutcome(int durationSeconds, long idleHeap) {
        BenchRun.Options options = new BenchRun.Options(List.of("udpnet"), durationSeconds, 1, 2, 32, 1000,
                List.of(1000), null, List.of(), 100);
        PeerResult r = PeerResult.of("udpnet", List.of());
        r.scale.clients = 1000;
        r.scale.idleHeapPerConnection = idleHeap;
        return new BenchRun.Outcome(Scenario.SCALE, options, List.of(r), "0", "0");
    }

    @Test
    void idleHeapIsJudgedAfterAFullIdlePhase() {
        String met = Targets.check(scaleOutcome(3, 1990));
        assertTrue(met.contains("measured 1,990 B, met"), met);
        String missed = Targets.check(scaleOutcome(3, 2100));
        assertTrue(missed.contains("measured 2,100 B, **missed**"), missed);
    }

    @Test
    void aSmokeRunsIdleHeapIsShownButNotJudged() {
        String s = Targets.check(scaleOutcome(1, 4651));
        assertTrue(s.contains("measured 4,651 B, not judged"), s);
    }
}
