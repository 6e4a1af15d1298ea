package io.udpnet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionConfigTest {

    private static void rejects(String setting, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(setting), "message names " + setting + ": " + x.getMessage());
    }

    @Test
    void defaultsMatchTheSpec() {
        ConnectionConfig c = ConnectionConfig.defaults();
        assertEquals(List.of(Delivery.RELIABLE_ORDERED, Delivery.RELIABLE_UNORDERED, Delivery.UNRELIABLE_SEQUENCED,
                Delivery.UNRELIABLE), c.channels());
        assertEquals(1200, c.maxDatagramSize());
        assertEquals(1024, c.sendWindow());
        assertEquals(4 << 20, c.sendBufferBytes());
        assertEquals(4 << 20, c.receiveBufferBytes());
        assertEquals(32, c.maxUnreliableFragments());
        assertEquals(2, c.ackFrequency());
        assertEquals(5_000_000, c.maxAckDelayNanos());
        assertEquals(100_000_000, c.initialRttNanos());
        // 1200 - 30 - 6 and 1200 - 30 - 14 (PROTOCOL.md section 4)
        assertEquals(1164, c.maxWholePayload());
        assertEquals(1156, c.maxFragmentPayload());
    }

    @Test
    void acceptsTheBoundaries() {
        ConnectionConfig c = ConnectionConfig.builder()
                .channels(Collections.nCopies(256, Delivery.UNRELIABLE))
                .maxDatagramSize(1472)
                .maxMessageSize(4096)
                .maxUnreliableFragments(65535)
                .sendWindow(16384)
                .sendBufferBytes(4096)
                .receiveBufferBytes(4096)
                .ackFrequency(32)
                .maxAckDelay(Duration.ofMillis(100))
                .initialRtt(Duration.ofSeconds(10))
                .build();
        assertEquals(256, c.channelCount());
        // Path MTU discovery on: packets are cut for the 1200-byte base so that they fit wherever the path shrinks.
        assertEquals(1200 - 44, c.maxFragmentPayload());
        // Pinned: packets are cut for the pinned size.
        assertEquals(1472 - 44, c.toBuilder().pathMtuDiscovery(false).build().maxFragmentPayload());
        ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED).maxDatagramSize(1200).maxMessageSize(1)
                .maxUnreliableFragments(1).sendWindow(16).ackFrequency(1).maxAckDelay(Duration.ZERO)
                .initialRtt(Duration.ofMillis(1)).build();
    }

    @Test
    void rejectsEveryOutOfRangeValueNamingTheSetting() {
        ConnectionConfig.Builder b = ConnectionConfig.builder();
        rejects("channels", () -> b.channels());
        rejects("channels", () -> b.channels(new Delivery[257]));
        rejects("channels", () -> b.channels(List.of()));
        rejects("maxDatagramSize", () -> b.maxDatagramSize(1199));
        rejects("maxDatagramSize", () -> b.maxDatagramSize(1473));
        rejects("maxMessageSize", () -> b.maxMessageSize(0));
        rejects("maxMessageSize", () -> b.maxMessageSize((64 << 20) + 1));
        rejects("maxUnreliableFragments", () -> b.maxUnreliableFragments(0));
        rejects("maxUnreliableFragments", () -> b.maxUnreliableFragments(65536));
        rejects("sendWindow", () -> b.sendWindow(8));
        rejects("sendWindow", () -> b.sendWindow(32768));
        rejects("sendWindow", () -> b.sendWindow(24));
        rejects("sendWindow", () -> b.sendWindow(1000));
        rejects("sendBufferBytes", () -> b.sendBufferBytes(4095));
        rejects("sendBufferBytes", () -> b.sendBufferBytes((1 << 30) + 1));
        rejects("receiveBufferBytes", () -> b.receiveBufferBytes(4095));
        rejects("receiveBufferBytes", () -> b.receiveBufferBytes((1 << 30) + 1));
        rejects("ackFrequency", () -> b.ackFrequency(0));
        rejects("ackFrequency", () -> b.ackFrequency(33));
        rejects("maxAckDelay", () -> b.maxAckDelay(Duration.ofNanos(-1)));
        rejects("maxAckDelay", () -> b.maxAckDelay(Duration.ofMillis(100).plusNanos(1)));
        rejects("initialRtt", () -> b.initialRtt(Duration.ofMillis(1).minusNanos(1)));
        rejects("initialRtt", () -> b.initialRtt(Duration.ofSeconds(10).plusNanos(1)));
        // A rejected value leaves the builder as it was.
        assertEquals(ConnectionConfig.defaults().toString(), b.build().toString());
    }

    @Test
    void sendBufferMustHoldOneMessageOfTheMaximumSize() {
        rejects("sendBufferBytes", () -> ConnectionConfig.builder().maxMessageSize(8 << 20).build());
        rejects("maxMessageSize", () -> ConnectionConfig.builder().sendBufferBytes(8192).maxMessageSize(8193).build());
        ConnectionConfig.builder().sendBufferBytes(8192).maxMessageSize(8192).build();
    }

    @Test
    void nullChannelIsRejectedByName() {
        NullPointerException x = assertThrows(NullPointerException.class,
                () -> ConnectionConfig.builder().channels(Delivery.UNRELIABLE, null));
        assertTrue(x.getMessage().contains("channel"), x.getMessage());
    }

    @Test
    void configIsNotChangedByTheCallersArray() {
        Delivery[] d = {Delivery.UNRELIABLE, Delivery.RELIABLE_ORDERED};
        ConnectionConfig c = ConnectionConfig.builder().channels(d).build();
        d[0] = Delivery.RELIABLE_UNORDERED;
        assertEquals(Delivery.UNRELIABLE, c.delivery(0));
    }

    /** The class promises that every value is checked with an exception naming it. */
    @Test
    void nullOrHugeDurationsAreRejectedByName() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        rejects("maxAckDelay", () -> ConnectionConfig.builder().maxAckDelay(huge));
        rejects("initialRtt", () -> ConnectionConfig.builder().initialRtt(huge));
        RuntimeException a = assertThrows(RuntimeException.class, () -> ConnectionConfig.builder().maxAckDelay(null));
        assertTrue(String.valueOf(a.getMessage()).contains("maxAckDelay"), String.valueOf(a.getMessage()));
        RuntimeException r = assertThrows(RuntimeException.class, () -> ConnectionConfig.builder().initialRtt(null));
        assertTrue(String.valueOf(r.getMessage()).contains("initialRtt"), String.valueOf(r.getMessage()));
    }
}
