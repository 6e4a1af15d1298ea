package io.udpnet.transport;

import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ICMP port unreachable reaches a session in SHARED mode, where the server has one unconnected socket for every
 * peer: only an I/O implementation that reports errors on unconnected sockets can do this
 * ({@link DatagramIo#reportsErrorsUnconnected()}), so only such an implementation runs this contract.
 */
public abstract class SharedModeIcmpContract {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** @return an implementation that reports errors on unconnected sockets */
    protected abstract DatagramIo io();

    @Test
    void aPeerThatGoesAwayIsReportedAtOnceInSharedMode() throws Exception {
        assertTrue(io().reportsErrorsUnconnected(), io().name() + " does not report errors on unconnected sockets");
        UdpServerConfig config = UdpServerConfig.builder()
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .mode(ServerMode.SHARED).io(io()).build();
        try (UdpServer server = UdpServer.open(config)) {
            TestPeer peer = new TestPeer(server.localAddress());
            peer.send("hello");
            DatagramSession s = server.accept(WAIT);
            assertNotNull(s);
            assertFalse(s.hasOwnSocket());
            peer.close();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (s.isOpen() && System.nanoTime() < deadline) {
                try {
                    s.send(ByteBuffer.wrap("anyone there?".getBytes(StandardCharsets.UTF_8)));
                } catch (PortUnreachableException | SessionClosedException expected) {
                    break;
                }
                Thread.sleep(20);
            }
            while (s.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(SessionCloseReason.PORT_UNREACHABLE, s.closeReason().orElseThrow());
            assertTrue(server.socketStats().pathErrors() > 0);
        }
    }
}
