package io.udpnet.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PingScheduleTest {
    @Test
    void pingsAreSentOnScheduleAndRoundTripsCountFromTheDueTime() throws Exception {
        Histogram h = new Histogram(3);
        PingSchedule s = new PingSchedule(5, 2_000_000, h);
        List<Long> dues = new ArrayList<>();
        List<Long> sentAt = new ArrayList<>();
        PingSchedule.Result r = s.run((number, due) -> {
            assertEquals(dues.size(), number);
            dues.add(due);
            sentAt.add(System.nanoTime());
            // A pong that took "3 ms" from its due time: the recorded round trip must include them.
            s.onPong(due - 3_000_000);
        }, 1_000_000_000L);
        assertEquals(new PingSchedule.Result(5, 5), r);
        for (int i = 0; i < 5; i++) {
            assertTrue(sentAt.get(i) >= dues.get(i), "ping " + i + " left before it was due");
            if (i > 0) {
                assertEquals(2_000_000, dues.get(i) - dues.get(i - 1));
            }
        }
        assertEquals(5, h.getTotalCount());
        assertTrue(h.getMinValue() >= 3_000_000, "min " + h.getMinValue());
    }

    @Test
    void missingPongsAreCountedAfterTheWait() throws Exception {
        PingSchedule s = new PingSchedule(3, 100_000, null);
        PingSchedule.Result r = s.run((number, due) -> {
            if (number != 1) {
                s.onPong(due);
            }
        }, 20_000_000L);
        assertEquals(new PingSchedule.Result(3, 2), r);
    }
}
