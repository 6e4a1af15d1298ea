package io.udpnet.sim;

import io.udpnet.impair.LinkDropReason;
import io.udpnet.impair.LinkStats;
import io.udpnet.impair.LinkConfig;
import static io.udpnet.sim.TestNodes.A;
import static io.udpnet.sim.TestNodes.B;
import static io.udpnet.sim.TestNodes.C;
import static io.udpnet.sim.TestNodes.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.sim.TestNodes.Echo;
import io.udpnet.sim.TestNodes.Recorder;
import io.udpnet.sim.TestNodes.Sender;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Clock, event order, polling and run bounds of {@link Simulation}. */
class SimulationTest {

    private static LinkConfig latency(long millis) {
        return LinkConfig.builder().latency(Duration.ofMillis(millis)).build();
    }

    @Test
    void clockStartsAtZeroAndStepReportsNothingToDo() {
        Simulation sim = new Simulation(1);
        assertEquals(0, sim.nowNanos());
        assertFalse(sim.step());
        sim.runFor(5 * MS);
        assertEquals(5 * MS, sim.nowNanos());
    }

    @Test
    void latencyIsExactWithoutJitter() {
        Simulation sim = new Simulation(7);
        Sender sender = Sender.paced(B, 50, 100, 3 * MS);
        Recorder recorder = new Recorder();
        sim.addNode(A, sender);
        sim.addNode(B, recorder);
        sim.link(A, B, latency(25));
        sim.runFor(1_000 * MS);

        assertEquals(50, recorder.received.size());
        for (int i = 0; i < 50; i++) {
            var r = recorder.received.get(i);
            assertEquals(i, r.seq(), "in order");
            assertEquals(sender.sentAtNanos[i] + 25 * MS, r.atNanos(), "arrival of datagram " + i);
            assertEquals(A, r.from());
        }
        LinkStats stats = sim.linkStats(A, B);
        assertEquals(50, stats.offeredDatagrams());
        assertEquals(5000, stats.offeredBytes());
        assertEquals(50, stats.deliveredDatagrams());
        assertEquals(5000, stats.deliveredBytes());
        assertEquals(LinkStats.ZERO, sim.linkStats(B, A), "reverse direction carried nothing");
        assertEquals(stats, sim.totalLinkStats());
    }

    @Test
    void echoRoundTripTakesBothLatencies() {
        Simulation sim = new Simulation(3);
        Sender sender = Sender.burst(B, 1, 10);
        Recorder back = new Recorder();
        // The sender node also needs to receive: wrap both roles in one node at A.
        sim.addNode(A, new SimNode() {
            @Override
            public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
                back.onDatagram(from, datagram, nowNanos);
            }

            @Override
            public void poll(long nowNanos, DatagramOutbox outbox) {
                sender.poll(nowNanos, outbox);
            }

            @Override
            public long nextDeadline() {
                return sender.nextDeadline();
            }
        });
        sim.addNode(B, new Echo());
        sim.link(A, B, latency(10));
        sim.link(B, A, latency(30));
        sim.runFor(100 * MS);
        assertEquals(1, back.received.size());
        assertEquals(40 * MS, back.received.get(0).atNanos());
        assertEquals(B, back.received.get(0).from());
    }

    @Test
    void defaultLinkAppliesToUnconfiguredPairsOnly() {
        Simulation sim = new Simulation(1);
        assertEquals(LinkConfig.PERFECT, sim.defaultLink());
        Recorder rb = new Recorder();
        sim.addNode(A, Sender.burst(B, 1, 10));
        sim.addNode(C, Sender.burst(B, 1, 10));
        sim.addNode(B, rb);
        sim.link(C, B, latency(2));
        sim.setDefaultLink(latency(7));
        assertEquals(latency(7), sim.linkConfig(A, B));
        assertEquals(latency(2), sim.linkConfig(C, B));
        sim.runFor(20 * MS);
        assertEquals(List.of(2 * MS, 7 * MS), rb.received.stream().map(TestNodes.Received::atNanos).toList());
    }

    @Test
    void datagramsToUnknownAddressesAreDroppedAndCounted() {
        Simulation sim = new Simulation(1);
        sim.addNode(A, Sender.burst(C, 3, 10));
        List<LinkDropReason> reasons = new ArrayList<>();
        sim.setListener(new SimListener() {
            @Override
            public void dropped(long now, InetSocketAddress from, InetSocketAddress to, int length, LinkDropReason r) {
                reasons.add(r);
            }
        });
        sim.runFor(MS);
        assertEquals(3, sim.unknownDestinationDrops());
        assertEquals(List.of(LinkDropReason.UNKNOWN_DESTINATION, LinkDropReason.UNKNOWN_DESTINATION,
                LinkDropReason.UNKNOWN_DESTINATION), reasons);
        assertEquals(LinkStats.ZERO, sim.totalLinkStats());
    }

    @Test
    void datagramsInFlightToARemovedNodeAreDroppedOnArrival() {
        Simulation sim = new Simulation(1);
        Recorder recorder = new Recorder();
        sim.addNode(A, Sender.burst(B, 4, 10));
        sim.addNode(B, recorder);
        sim.link(A, B, latency(10));
        sim.schedule(5 * MS, () -> assertTrue(sim.removeNode(B)));
        sim.runFor(20 * MS);
        assertEquals(0, recorder.received.size());
        assertEquals(4, sim.unknownDestinationDrops());
        assertEquals(0, sim.pendingEvents());
        assertFalse(sim.removeNode(B));
    }

    @Test
    void scheduledActionsRunInTimeThenInsertionOrderAndPollEveryNode() {
        Simulation sim = new Simulation(1);
        List<String> order = new ArrayList<>();
        sim.schedule(2 * MS, () -> order.add("late"));
        sim.schedule(MS, () -> order.add("first"));
        sim.schedule(MS, () -> order.add("second"));
        sim.schedule(MS, () -> order.add("third"));

        // A node with no deadline only sends when polled, which a scheduled action guarantees.
        List<Long> polls = new ArrayList<>();
        sim.addNode(A, new SimNode() {
            @Override
            public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            }

            @Override
            public void poll(long nowNanos, DatagramOutbox outbox) {
                polls.add(nowNanos);
            }

            @Override
            public long nextDeadline() {
                return Long.MAX_VALUE;
            }
        });
        sim.runFor(10 * MS);
        assertEquals(List.of("first", "second", "third", "late"), order);
        assertEquals(List.of(MS, MS, MS, 2 * MS), polls);
    }

    @Test
    void actionCanMakeANodeSendImmediately() {
        Simulation sim = new Simulation(1);
        Echo echo = new Echo();
        Recorder recorder = new Recorder();
        sim.addNode(A, recorder);
        sim.addNode(B, echo);
        sim.link(B, A, latency(4));
        // Feed the echo node directly, as a test would feed an engine a message to send.
        sim.schedule(3 * MS, () -> echo.onDatagram(A, ByteBuffer.wrap(new byte[] {1, 2, 3}), sim.nowNanos()));
        sim.runFor(10 * MS);
        assertEquals(1, recorder.received.size());
        assertEquals(7 * MS, recorder.received.get(0).atNanos());
    }

    @Test
    void schedulingInThePastIsRejected() {
        Simulation sim = new Simulation(1);
        sim.runFor(10);
        var e = assertThrows(IllegalArgumentException.class, () -> sim.schedule(9, () -> { }));
        assertTrue(e.getMessage().contains("past"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sim.scheduleAfter(-1, () -> { }));
        assertThrows(IllegalArgumentException.class, () -> sim.runFor(-1));
        assertThrows(IllegalArgumentException.class, () -> sim.runUntil(() -> true, -1));
        assertThrows(IllegalArgumentException.class, () -> sim.setMaxEventsPerInstant(0));
        assertThrows(NullPointerException.class, () -> sim.schedule(10, null));
    }

    @Test
    void nodesNeedDistinctAddresses() {
        Simulation sim = new Simulation(1);
        sim.addNode(A, new Recorder());
        var e = assertThrows(IllegalArgumentException.class, () -> sim.addNode(A, new Recorder()));
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        assertThrows(NullPointerException.class, () -> sim.addNode(null, new Recorder()));
        assertThrows(NullPointerException.class, () -> sim.link(A, B, null));
    }

    @Test
    void runUntilStopsAsSoonAsTheConditionHolds() {
        Simulation sim = new Simulation(1);
        Recorder recorder = new Recorder();
        sim.addNode(A, Sender.paced(B, 100, 10, MS));
        sim.addNode(B, recorder);
        sim.link(A, B, latency(5));
        assertTrue(sim.runUntil(() -> recorder.received.size() >= 5, 1_000 * MS));
        assertEquals(5, recorder.received.size());
        // The fifth datagram left at 4 ms and took 5 ms.
        assertEquals(9 * MS, sim.nowNanos());
    }

    @Test
    void runUntilGivesUpAtItsTimeBound() {
        Simulation sim = new Simulation(1);
        Recorder recorder = new Recorder();
        sim.addNode(A, Sender.paced(B, 1000, 10, MS));
        sim.addNode(B, recorder);
        sim.runFor(3 * MS);
        assertFalse(sim.runUntil(() -> recorder.received.size() > 10_000, 50 * MS));
        assertEquals(53 * MS, sim.nowNanos());
        // Zero latency: datagrams sent at 0..53 ms inclusive have arrived, none later.
        assertEquals(54, recorder.received.size());
    }

    @Test
    void runUntilChecksTheConditionFirst() {
        Simulation sim = new Simulation(1);
        sim.schedule(0, () -> {
            throw new AssertionError("must not run");
        });
        assertTrue(sim.runUntil(() -> true, 10 * MS));
        assertEquals(0, sim.nowNanos());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nodeWithADeadlineAlwaysInThePastCannotHangTheRun() {
        Simulation sim = new Simulation(1);
        long[] polls = {0};
        sim.addNode(C, new SimNode() {
            @Override
            public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            }

            @Override
            public void poll(long nowNanos, DatagramOutbox outbox) {
                polls[0]++;
            }

            @Override
            public long nextDeadline() {
                return 0;
            }
        });
        // Alone, it is polled once and then the simulation has nothing left to do.
        assertTrue(sim.step());
        assertFalse(sim.step());
        assertEquals(1, polls[0]);

        // With other traffic it is served at most once per instant the clock reaches.
        Recorder recorder = new Recorder();
        sim.addNode(A, Sender.paced(B, 1000, 10, MS));
        sim.addNode(B, recorder);
        sim.runFor(10_000 * MS);
        assertEquals(10_000 * MS, sim.nowNanos());
        assertEquals(1000, recorder.received.size());
        assertTrue(polls[0] <= 1 + 1000, "polls: " + polls[0]);
        assertTrue(polls[0] >= 1000, "overdue deadline must still be served when the clock moves: " + polls[0]);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void zeroLatencyPingPongIsReportedAsALivelock() {
        Simulation sim = new Simulation(1);
        sim.setMaxEventsPerInstant(10_000);
        Echo echoA = new Echo();
        sim.addNode(A, echoA);
        sim.addNode(B, new Echo());
        // Make A believe B sent it something: A echoes it to B, B back to A, and so on at the same instant.
        sim.schedule(MS, () -> echoA.onDatagram(B, ByteBuffer.wrap(new byte[] {42}), sim.nowNanos()));
        var e = assertThrows(IllegalStateException.class, () -> sim.runFor(10 * MS));
        assertTrue(e.getMessage().contains("10000 events"), e.getMessage());
        assertEquals(MS, sim.nowNanos());
    }

    @Test
    void runMethodsCannotBeCalledFromInsideTheSimulation() {
        Simulation sim = new Simulation(1);
        sim.schedule(0, sim::step);
        var e = assertThrows(IllegalStateException.class, () -> sim.runFor(MS));
        assertTrue(e.getMessage().contains("inside"), e.getMessage());
        // The simulation is usable again afterwards.
        sim.schedule(sim.nowNanos(), () -> { });
        assertTrue(sim.step());
    }

    @Test
    void deadlinesDueWithAnEventRunFirstAndNodesPollInInsertionOrder() {
        Simulation sim = new Simulation(1);
        List<String> order = new ArrayList<>();
        for (InetSocketAddress address : List.of(B, A)) {
            sim.addNode(address, new SimNode() {
                boolean done;

                @Override
                public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
                }

                @Override
                public void poll(long nowNanos, DatagramOutbox outbox) {
                    order.add(address.getHostString() + "@" + nowNanos);
                    done = nowNanos >= 5;
                }

                @Override
                public long nextDeadline() {
                    return done ? Long.MAX_VALUE : 5;
                }
            });
        }
        sim.schedule(5, () -> order.add("action@5"));
        sim.runFor(10);
        assertEquals(List.of("127.0.0.2@5", "127.0.0.1@5", "action@5", "127.0.0.2@5", "127.0.0.1@5"), order);
    }

    @Test
    void deliveredDatagramsAreNotRetained() {
        Simulation sim = new Simulation(1);
        sim.addNode(A, Sender.burst(B, 5000, 1200));
        sim.addNode(B, new Recorder());
        sim.link(A, B, latency(1));
        sim.runFor(10 * MS);
        assertEquals(5000, sim.linkStats(A, B).deliveredDatagrams());
        assertEquals(0, sim.pendingEvents());
    }
}
