package io.udpnet.impair;

import io.udpnet.transport.Ipv6;
import static io.udpnet.impair.RelayPeers.address;
import static io.udpnet.impair.RelayPeers.awaitStats;
import static io.udpnet.impair.RelayPeers.receive;
import static io.udpnet.impair.RelayPeers.receiveOrFail;
import static io.udpnet.impair.RelayPeers.send;
import static io.udpnet.impair.RelayPeers.socket;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.impair.LinkConfig;
import io.udpnet.impair.RelayPeers.Received;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay as a NAT: mappings, replies, rebinding, the client cap, expiry and closing. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ImpairmentRelayTest {

    @Test
    void aPerfectLinkPassesDatagramsUnchangedAndRepliesReachTheRightClient() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel a = socket(); DatagramChannel b = socket();
                ImpairmentRelay relay = ImpairmentRelay.builder(address(server)).open()) {
            byte[] big = new byte[1400];
            new Random(3).nextBytes(big);
            send(a, big, relay.localAddress());
            Received fromA = receiveOrFail(server);
            assertArrayEquals(big, fromA.data());
            send(b, new byte[0], relay.localAddress());
            Received fromB = receiveOrFail(server);
            assertEquals(0, fromB.data().length);

            assertNotEquals(fromA.from(), fromB.from(), "one upstream peer per client");
            assertEquals(fromA.from(), relay.upstreamAddress(address(a)).orElseThrow());
            assertEquals(fromB.from(), relay.upstreamAddress(address(b)).orElseThrow());
            assertTrue(fromA.from().getAddress().isLoopbackAddress());

            send(server, "to b".getBytes(StandardCharsets.UTF_8), fromB.from());
            send(server, "to a".getBytes(StandardCharsets.UTF_8), fromA.from());
            Received replyB = receiveOrFail(b);
            Received replyA = receiveOrFail(a);
            assertEquals("to b", new String(replyB.data(), StandardCharsets.UTF_8));
            assertEquals("to a", new String(replyA.data(), StandardCharsets.UTF_8));
            assertEquals(relay.localAddress(), replyA.from(), "replies come from the relay's own address");

            RelayStats s = awaitStats(relay, st -> st.toClient().relayed() == 2);
            assertEquals(2, s.toServer().received());
            assertEquals(2, s.toServer().relayed());
            assertEquals(1400, s.toServer().relayedBytes());
            assertEquals(0, s.toServer().dropped());
            assertEquals(2, s.activeClients());
            assertEquals(2, s.clientsAdmitted());
            assertEquals(0, s.heldDatagrams());
        }
    }

    @Test
    void rebindMakesTheServerSeeANewSourcePort() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = ImpairmentRelay.builder(address(server)).open()) {
            send(client, new byte[] {1}, relay.localAddress());
            InetSocketAddress before = receiveOrFail(server).from();

            InetSocketAddress after = relay.rebind(address(client));
            assertNotEquals(before.getPort(), after.getPort());
            assertEquals(after, relay.upstreamAddress(address(client)).orElseThrow());

            send(client, new byte[] {2}, relay.localAddress());
            Received r = receiveOrFail(server);
            assertEquals(2, r.data()[0]);
            assertEquals(after, r.from(), "the server sees the client at its new address");

            send(server, new byte[] {3}, before);
            send(server, new byte[] {4}, after);
            assertEquals(4, receiveOrFail(client).data()[0], "the old address no longer reaches the client");
            assertEquals(1, relay.stats().rebinds());

            assertThrows(IllegalArgumentException.class, () -> relay.rebind(address(server)));
        }
    }

    @Test
    void clientsBeyondTheCapAreDroppedAndCounted() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel a = socket(); DatagramChannel b = socket();
                DatagramChannel c = socket();
                ImpairmentRelay relay = ImpairmentRelay.builder(address(server)).maxClients(2).open()) {
            send(a, new byte[] {1}, relay.localAddress());
            receiveOrFail(server);
            send(b, new byte[] {2}, relay.localAddress());
            receiveOrFail(server);
            send(c, new byte[] {3}, relay.localAddress());
            send(c, new byte[] {3}, relay.localAddress());
            RelayStats s = awaitStats(relay, st -> st.refusedDatagrams() == 2);
            assertNull(receive(server, RelayPeers.QUIET), "the third client got through");
            assertEquals(2, s.activeClients());
            assertTrue(relay.upstreamAddress(address(c)).isEmpty());

            send(a, new byte[] {4}, relay.localAddress());
            assertEquals(4, receiveOrFail(server).data()[0], "existing clients still pass");
        }
    }

    @Test
    void idleMappingsExpire() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = ImpairmentRelay.builder(address(server))
                        .idleTimeout(Duration.ofMillis(100)).maxClients(1).open()) {
            send(client, new byte[] {1}, relay.localAddress());
            receiveOrFail(server);
            RelayStats s = awaitStats(relay, st -> st.clientsExpired() == 1);
            assertEquals(0, s.activeClients());
            assertEquals(1, s.toServer().relayed(), "counters survive the mapping");

            send(client, new byte[] {2}, relay.localAddress());
            assertEquals(2, receiveOrFail(server).data()[0], "the expired mapping freed its place under the cap");
            assertEquals(2, relay.stats().clientsAdmitted());
        }
    }

    @Test
    void heldDatagramsAreBounded() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = ImpairmentRelay.builder(address(server))
                        .toServer(LinkConfig.builder().latency(Duration.ofMillis(500)).build())
                        .maxHeldBytes(64 * 1024).open()) {
            // 1000-byte datagrams occupy 1 KiB arrays: at most 64 can be held at once.
            RelayPeers.sendPaced(client, relay, 100, i -> new byte[1000]);
            RelayStats s = relay.stats();
            assertTrue(s.heldBytes() <= 64 * 1024, s.toString());
            assertEquals(100, s.toServer().heldDropped() + s.heldDatagrams() + s.toServer().relayed(), s.toString());
            assertTrue(s.toServer().heldDropped() >= 30, s.toString());
            long kept = 100 - s.toServer().heldDropped();
            awaitStats(relay, st -> st.toServer().relayed() == kept);
            assertEquals(kept, RelayPeers.drain(server));
        }
    }

    @Test
    void closeStopsTheThreadAndKeepsTheFinalCounters() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket()) {
            ImpairmentRelay relay = ImpairmentRelay.builder(address(server)).open();
            int port = relay.localAddress().getPort();
            assertEquals(1, relayThreads(port).size());
            assertTrue(relay.isOpen());
            send(client, new byte[] {1}, relay.localAddress());
            receiveOrFail(server);
            awaitStats(relay, st -> st.toServer().relayed() == 1);

            relay.close();
            assertFalse(relay.isOpen());
            assertTrue(relayThreads(port).isEmpty(), "close() stopped the relay's thread");
            assertEquals(1, relay.stats().toServer().relayed());
            assertSame(relay.stats(), relay.stats());
            assertThrows(IllegalStateException.class, () -> relay.rebind(address(client)));
            relay.close(); // idempotent

            // The listening port is free again.
            try (DatagramChannel reuse = DatagramChannel.open()) {
                reuse.bind(relay.localAddress());
            }
        }
    }

    @Test
    void anIdleRelayBurnsNoCpu() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = ImpairmentRelay.builder(address(server))
                        .link(LinkConfig.builder().latency(Duration.ofMillis(5)).build()).open()) {
            send(client, new byte[] {1}, relay.localAddress());
            receiveOrFail(server);
            Thread t = relayThreads(relay.localAddress().getPort()).iterator().next();
            long before = mx.getThreadCpuTime(t.threadId());
            Thread.sleep(500);
            long used = mx.getThreadCpuTime(t.threadId()) - before;
            // A spinning thread would use about the whole 500 ms; a blocked one uses (almost) nothing.
            assertTrue(used < 50_000_000L, "the idle relay thread used " + used / 1000 + " µs");
        }
    }

    @Test
    void anIpv6TargetIsReachedFromTheIpv6Loopback() throws Exception {
        InetSocketAddress v6 = Ipv6.loopbackOrSkip();
        try (DatagramChannel server = DatagramChannel.open().bind(v6);
                DatagramChannel client = DatagramChannel.open().bind(v6);
                ImpairmentRelay relay = ImpairmentRelay.builder(address(server)).open()) {
            assertTrue(relay.localAddress().getAddress() instanceof Inet6Address, relay.localAddress().toString());
            send(client, new byte[] {5}, relay.localAddress());
            Received r = receiveOrFail(server);
            assertTrue(r.from().getAddress() instanceof Inet6Address, r.from().toString());
            assertTrue(r.from().getAddress().isLoopbackAddress());
            send(server, new byte[] {6}, r.from());
            assertEquals(6, receiveOrFail(client).data()[0]);
        }
    }

    private static Set<Thread> relayThreads(int port) {
        Set<Thread> found = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("udpnet-relay-" + port) && t.isAlive()) {
                found.add(t);
            }
        }
        return found;
    }
}
