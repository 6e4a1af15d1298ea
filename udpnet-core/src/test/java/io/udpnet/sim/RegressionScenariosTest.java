package io.udpnet.sim;

import io.udpnet.impair.LinkConfig;
import io.udpnet.Delivery;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs that once broke a guarantee or left an engine deadline in the past (which the simulator nodes now refuse),
 * found by {@link DeliveryGuaranteesPropertiesTest} and kept here with their seeds so that they stay fixed.
 */
class RegressionScenariosTest {

    private static void holds(Delivery delivery, int messages, int[] sizes, LinkConfig link, long seed) {
        ScenarioReport r = Scenario.builder().delivery(delivery).messages(messages).sizes(sizes).link(link)
                .seed(seed).timeLimit(Duration.ofMinutes(30)).build().run();
        assertTrue(r.guaranteesHeld(), r.toJson());
    }

    /** Receive windows kept 16-bit sequences: a slot from one wrap earlier acknowledged a datagram never received. */
    @Test
    void ackWindowAcrossTheWrap() {
        holds(Delivery.RELIABLE_ORDERED, 119, new int[]{100, 5000, 7, 150_000, 64}, LinkConfig.builder()
                .latency(Duration.ofMillis(11)).jitter(Duration.ofMillis(13)).queueCapacity(256 * 1024).build(),
                -8186895);
    }

    /** A keep-alive requested into a full congestion window left the connection's deadline in the past. */
    @Test
    void keepAliveIntoAFullWindow() {
        holds(Delivery.RELIABLE_ORDERED, 104, new int[]{100, 5000, 7, 150_000, 64}, LinkConfig.builder().loss(0.3)
                .reorder(0.01).corruption(0.01).latency(Duration.ofMillis(2)).queueCapacity(256 * 1024).build(), 9);
    }

    /** The loss timer fired and disarmed while the probe time-out was already due, and nobody served it. */
    @Test
    void probeTimeOutDueWhenTheLossTimerFires() {
        holds(Delivery.RELIABLE_UNORDERED, 84, new int[]{100, 5000, 7, 150_000, 64}, LinkConfig.builder()
                .loss(0.28).duplication(0.02).reorder(0.03).corruption(0.01).latency(Duration.ofMillis(56))
                .bandwidth(100_000_000L).queueCapacity(256 * 1024).build(), -28657);
    }

    /** The loss timer emptied the flight during a poll, after the keep-alive had been checked. */
    @Test
    void keepAliveDueAfterTheLastDatagramIsDeclaredLost() {
        holds(Delivery.UNRELIABLE_SEQUENCED, 1, new int[]{32}, LinkConfig.builder().loss(0.25).duplication(0.13)
                .reorder(0.01).corruption(0.01).jitter(Duration.ofMillis(1)).queueCapacity(256 * 1024).build(), 7717);
    }

    /** A heavy-loss response cut the congestion window below one datagram, so nothing could ever be sent again. */
    @Test
    void congestionWindowNeverBelowADatagram() {
        holds(Delivery.RELIABLE_ORDERED, 7, new int[]{1164, 1165}, LinkConfig.builder().loss(0.29).duplication(0.09)
                .reorder(0.01).corruption(0.01).latency(Duration.ofMillis(7)).jitter(Duration.ofMillis(14))
                .queueCapacity(256 * 1024).build(), -265947);
    }
}
