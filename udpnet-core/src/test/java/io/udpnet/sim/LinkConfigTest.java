package io.udpnet.sim;

import io.udpnet.impair.LinkConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LinkConfigTest {

    @Test
    void perfectLinkHasNoImpairments() {
        LinkConfig c = LinkConfig.PERFECT;
        assertEquals(0.0, c.lossProbability());
        assertEquals(0.0, c.duplicationProbability());
        assertEquals(0.0, c.reorderProbability());
        assertEquals(0.0, c.corruptionProbability());
        assertEquals(0, c.latencyNanos());
        assertEquals(0, c.jitterNanos());
        assertEquals(0, c.bandwidthBitsPerSecond());
        assertEquals(0, c.maxDatagramSize());
        assertEquals(LinkConfig.DEFAULT_REORDER_DELAY.toNanos(), c.reorderDelayNanos());
        assertEquals(LinkConfig.DEFAULT_QUEUE_CAPACITY_BYTES, c.queueCapacityBytes());
        assertEquals(c, LinkConfig.builder().build());
    }

    @Test
    void builderSetsEveryValueAndToBuilderCopiesThem() {
        LinkConfig c = LinkConfig.builder()
                .loss(0.1).duplication(0.2).reorder(0.3).corruption(0.4)
                .latency(Duration.ofMillis(5)).jitter(Duration.ofMillis(2)).reorderDelay(Duration.ofMillis(7))
                .bandwidth(1_000_000).queueCapacity(5000).maxDatagramSize(1200)
                .build();
        assertEquals(0.1, c.lossProbability());
        assertEquals(0.2, c.duplicationProbability());
        assertEquals(0.3, c.reorderProbability());
        assertEquals(0.4, c.corruptionProbability());
        assertEquals(5_000_000, c.latencyNanos());
        assertEquals(2_000_000, c.jitterNanos());
        assertEquals(7_000_000, c.reorderDelayNanos());
        assertEquals(1_000_000, c.bandwidthBitsPerSecond());
        assertEquals(5000, c.queueCapacityBytes());
        assertEquals(1200, c.maxDatagramSize());

        assertEquals(c, c.toBuilder().build());
        assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
        LinkConfig changed = c.toBuilder().loss(0.5).build();
        assertNotEquals(c, changed);
        assertEquals(0.1, c.lossProbability(), "the original is immutable");
        assertTrue(c.toString().contains("loss=0.1"), c.toString());
    }

    private static void assertRejected(String expectedWord, Consumer<LinkConfig.Builder> setter) {
        var e = assertThrows(IllegalArgumentException.class, () -> setter.accept(LinkConfig.builder()));
        assertTrue(e.getMessage().contains(expectedWord), e.getMessage());
    }

    @Test
    void badValuesAreRejectedWithClearMessages() {
        assertRejected("loss", b -> b.loss(-0.01));
        assertRejected("loss", b -> b.loss(1.01));
        assertRejected("loss", b -> b.loss(Double.NaN));
        assertRejected("duplication", b -> b.duplication(2));
        assertRejected("reorder", b -> b.reorder(-1));
        assertRejected("corruption", b -> b.corruption(Double.POSITIVE_INFINITY));
        assertRejected("latency", b -> b.latency(Duration.ofMillis(-1)));
        assertRejected("latency", b -> b.latency(Duration.ofDays(2)));
        assertRejected("jitter", b -> b.jitter(Duration.ofNanos(-1)));
        assertRejected("reorderDelay", b -> b.reorderDelay(Duration.ZERO));
        assertRejected("bandwidth", b -> b.bandwidth(-1));
        assertRejected("queueCapacity", b -> b.queueCapacity(0));
        assertRejected("maxDatagramSize", b -> b.maxDatagramSize(-1));
        assertThrows(NullPointerException.class, () -> LinkConfig.builder().latency(null));
    }

    @Test
    void boundaryValuesAreAccepted() {
        LinkConfig c = LinkConfig.builder().loss(0).duplication(1).latency(LinkConfig.MAX_DELAY)
                .jitter(Duration.ZERO).queueCapacity(1).maxDatagramSize(0).bandwidth(0).build();
        assertEquals(1.0, c.duplicationProbability());
        assertEquals(LinkConfig.MAX_DELAY.toNanos(), c.latencyNanos());
    }
}
