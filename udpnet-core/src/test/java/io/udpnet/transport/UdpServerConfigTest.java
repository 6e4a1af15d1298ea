package io.udpnet.transport;

import io.udpnet.io.ServerMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UdpServerConfigTest {

    @Test
    void defaultsAreSafe() {
        UdpServerConfig c = UdpServerConfig.builder().build();
        assertEquals(ServerMode.SHARED, c.mode());
        assertEquals(0, c.bindAddress().getPort());
        assertTrue(c.bindAddress().getAddress().isAnyLocalAddress());
        assertEquals(256, c.maxConnectedSockets());
        assertEquals(Duration.ofSeconds(60), c.idleTimeout());
        assertTrue(c.shards() >= 1);
        assertSame(PeerAdmissionPolicy.ACCEPT_ALL, c.peerFilter());
        assertNull(c.sessionListener());
    }

    @Test
    void badValuesFailAtTheSetterNamingTheValue() {
        UdpServerConfig.Builder b = UdpServerConfig.builder();
        assertMessage("shards", assertThrows(IllegalArgumentException.class, () -> b.shards(0)));
        assertMessage("maxSessions", assertThrows(IllegalArgumentException.class, () -> b.maxSessions(0)));
        assertMessage("maxConnectedSockets",
                assertThrows(IllegalArgumentException.class, () -> b.maxConnectedSockets(5000)));
        assertMessage("idleTimeout",
                assertThrows(IllegalArgumentException.class, () -> b.idleTimeout(Duration.ofNanos(5))));
        assertMessage("idleTimeout",
                assertThrows(IllegalArgumentException.class, () -> b.idleTimeout(Duration.ofSeconds(-1))));
        assertMessage("receiveQueueCapacity",
                assertThrows(IllegalArgumentException.class, () -> b.receiveQueueCapacity(0)));
        assertMessage("acceptBacklog", assertThrows(IllegalArgumentException.class, () -> b.acceptBacklog(-1)));
        assertMessage("maxDatagramSize",
                assertThrows(IllegalArgumentException.class, () -> b.maxDatagramSize(65_508)));
        assertMessage("receiveBufferSize",
                assertThrows(IllegalArgumentException.class, () -> b.receiveBufferSize(-1)));
        assertMessage("bindAddress", assertThrows(IllegalArgumentException.class,
                () -> b.bindAddress(InetSocketAddress.createUnresolved("example.invalid", 1))));
        assertThrows(NullPointerException.class, () -> b.mode(null));
        assertThrows(NullPointerException.class, () -> b.peerFilter(null));
    }

    @Test
    void zeroIdleTimeoutMeansNever() {
        assertEquals(Duration.ZERO, UdpServerConfig.builder().idleTimeout(Duration.ZERO).build().idleTimeout());
    }

    private static void assertMessage(String name, IllegalArgumentException e) {
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }
}
