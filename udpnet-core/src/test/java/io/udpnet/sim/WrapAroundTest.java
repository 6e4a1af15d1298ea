package io.udpnet.sim;

import io.udpnet.impair.LinkConfig;
import io.udpnet.Delivery;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long runs that take both the 16-bit datagram sequences and the 16-bit message sequences round the circle several
 * times under loss, duplication and reordering: 200,000 messages of 1,000 bytes (one datagram each) on every mode.
 */
class WrapAroundTest {
    private static final int MESSAGES = 200_000;

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void sequencesWrapSeveralTimesUnderLoss(Delivery delivery) {
        LinkConfig link = LinkConfig.builder().loss(0.02).duplication(0.01).reorder(0.01)
                .latency(Duration.ofMillis(5)).bandwidth(100_000_000L).queueCapacity(1 << 20).build();
        ScenarioReport r = Scenario.builder().delivery(delivery).messages(MESSAGES).sizes(1000).link(link).seed(11)
                .build().run();
        assertTrue(r.guaranteesHeld(), r.toJson());
        assertTrue(r.datagramsSent() > 3L * 65536, "datagram sequences must wrap several times: " + r.toJson());
        if (!delivery.isReliable()) {
            // Unreliable modes lose what the link loses, and no more than a few percent beyond it.
            assertTrue(r.delivered() > MESSAGES * 0.9, r.toJson());
        }
    }
}
