package io.udpnet.sim;

import io.udpnet.impair.LinkDropReason;
import io.udpnet.impair.LinkStats;
import io.udpnet.impair.LinkConfig;
import io.udpnet.impair.DatagramPool;
import io.udpnet.impair.Link;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A deterministic network of {@link SimNode}s, run in the calling thread on a virtual clock, as fast as the CPU
 * allows. The clock is in nanoseconds, starts at 0 and only moves when the simulation processes an event.
 *
 * <pre>{@code
 * var a = new InetSocketAddress("127.0.0.1", 4000);
 * var b = new InetSocketAddress("127.0.0.2", 4000);
 * var sim = new Simulation(42);
 * sim.addNode(a, clientNode);
 * sim.addNode(b, serverNode);
 * sim.linkBoth(a, b, LinkConfig.builder().latency(Duration.ofMillis(20)).loss(0.01).build());
 * boolean done = sim.runUntil(clientNode::finished, Duration.ofSeconds(30).toNanos());
 * }</pre>
 *
 * <h2>Events and polling</h2>
 * The simulation processes, one per {@link #step()}, the earliest of: a datagram copy reaching its destination, a
 * {@linkplain #schedule scheduled action}, or a node's {@linkplain SimNode#nextDeadline() deadline}. A node is
 * {@linkplain SimNode#poll polled} right after each datagram delivered to it, when its deadline is reached, and, like
 * every other node, after each scheduled action (which may have queued messages on it). Datagrams a node sends while
 * polled enter their link at the current instant. Nodes are not polled when added: a node that wants to send first
 * reports a deadline (for example 0).
 *
 * <h2>Determinism</h2>
 * Everything happens in one thread, in an order fixed by the seed and by what the nodes do. Events at the same
 * instant run in the order they were created; a node deadline due at the same instant as an event runs first, and
 * deadlines due together run in the order the nodes were added. Each directed link draws from its own random stream,
 * derived from the seed and the two addresses only, so adding a link or traffic elsewhere does not change what
 * happens on another link. The same seed and the same node behaviour give the same trace of events.
 *
 * <h2>Guards against runaway nodes</h2>
 * A node is polled for its deadline at most once per instant: if, after being polled at time t, it reports a
 * deadline at or before t, that deadline is served at the next instant the clock reaches for another reason (a
 * delivery, an action or another node's deadline), never by spinning in place or by inching the clock forward. A
 * node whose deadline is always in the past therefore cannot hang a run. And since a zero-latency exchange between
 * two nodes could ping-pong forever without the clock moving, more than {@link #maxEventsPerInstant()} events at one
 * instant make the run fail with an {@link IllegalStateException}. {@link #runFor} and {@link #runUntil} are also
 * bounded in virtual time.
 *
 * <h2>Addresses and links</h2>
 * Addresses are only names here: nothing touches a real network. Each ordered pair of addresses is a directed link
 * configured with {@link #link}, {@link #linkBoth} or, failing those, the {@linkplain #setDefaultLink default}. A
 * datagram sent to an address with no node is dropped and counted by {@link #unknownDestinationDrops()}; it does not
 * enter any link. Several routes may first wait in one shared {@link Bottleneck} ({@link #addBottleneck},
 * {@link #routeThrough}), as flows from different hosts share the narrow link of a path.
 *
 * <p>Not thread-safe. Nodes, actions and listeners may add nodes, configure links and schedule actions while the
 * simulation runs, but must not call {@link #step}, {@link #runFor} or {@link #runUntil}.
 *
 * <p>Long for its public API's documentation; the links ({@code LinkTable}), event queue and node table are classes
 * of their own.
 */
public final class Simulation {

    /** Default value of {@link #maxEventsPerInstant()}. */
    public static final long DEFAULT_MAX_EVENTS_PER_INSTANT = 1_000_000;

    /** Listener used when none is installed, so the hot path needs no null checks. */
    private static final SimListener NO_LISTENER = new SimListener() {
    };

    private final long seed;
    private final DatagramPool pool = new DatagramPool();
    private final EventQueue events = new EventQueue();
    private final NodeTable nodes = new NodeTable();
    private final LinkTable links;
    private final Link.Sink linkSink = new Link.Sink() {
        @Override
        public void deliverAt(Link link, long atNanos, byte[] data, int length) {
            events.addDelivery(atNanos, link, data, length);
        }

        @Override
        public void dropped(Link link, int length, LinkDropReason reason) {
            listener.dropped(nowNanos, link.from, link.to, length, reason);
        }
    };

    private SimListener listener = NO_LISTENER;
    private long maxEventsPerInstant = DEFAULT_MAX_EVENTS_PER_INSTANT;
    private long nowNanos;
    private long eventsThisInstant;
    private long unknownDestinationDrops;
    private boolean running;

    /** A simulation whose random choices all derive from {@code seed}; its clock reads 0. */
    public Simulation(long seed) {
        this.seed = seed;
        this.links = new LinkTable(seed, pool);
    }

    /** The seed this simulation was created with; print it when a test fails so the run can be replayed. */
    public long seed() {
        return seed;
    }

    /** The virtual time, in nanoseconds since the simulation started. */
    public long nowNanos() {
        return nowNanos;
    }

    /**
     * Registers {@code node} at {@code address}: datagrams sent to that address are delivered to it, and datagrams it
     * sends come from it.
     *
     * @throws IllegalArgumentException if another node is already registered at that address
     */
    public void addNode(InetSocketAddress address, SimNode node) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(node, "node");
        if (nodes.contains(address)) {
            throw new IllegalArgumentException("a node is already registered at " + address);
        }
        DatagramOutbox outbox = (to, datagram) -> transmit(address, to, datagram);
        nodes.add(new NodeTable.Entry(address, node, outbox));
    }

    /**
     * Unregisters the node at {@code address}, as if its host crashed: it is never called again, and datagrams still
     * in flight to it are dropped on arrival as {@linkplain LinkDropReason#UNKNOWN_DESTINATION unknown destination}.
     *
     * @return whether a node was registered there
     */
    public boolean removeNode(InetSocketAddress address) {
        return nodes.remove(Objects.requireNonNull(address, "address"));
    }

    /**
     * Configures the direction {@code from} to {@code to}. May be called at any time; the new configuration applies
     * to datagrams sent from then on, while the link keeps its counters, queue and random stream.
     */
    public void link(InetSocketAddress from, InetSocketAddress to, LinkConfig config) {
        links.configure(from, to, config);
    }

    /** Configures both directions between {@code a} and {@code b} with the same settings. */
    public void linkBoth(InetSocketAddress a, InetSocketAddress b, LinkConfig config) {
        link(a, b, config);
        link(b, a, config);
    }

    /**
     * Sets the configuration of every direction not configured with {@link #link} or {@link #linkBoth}, including
     * ones that have already carried datagrams. Initially {@link LinkConfig#PERFECT}: zero latency, nothing lost,
     * unlimited bandwidth.
     */
    public void setDefaultLink(LinkConfig config) {
        links.setDefault(config);
    }

    /** The configuration used for directions without their own. */
    public LinkConfig defaultLink() {
        return links.defaultLink();
    }

    /** The configuration currently applied to datagrams from {@code from} to {@code to}. */
    public LinkConfig linkConfig(InetSocketAddress from, InetSocketAddress to) {
        return links.config(from, to);
    }

    /** A snapshot of the counters of the direction {@code from} to {@code to}; all zero if it never carried any. */
    public LinkStats linkStats(InetSocketAddress from, InetSocketAddress to) {
        return links.stats(from, to);
    }

    /** The counters of every link added together. */
    public LinkStats totalLinkStats() {
        return links.total();
    }

    /**
     * A new queue of {@code queueCapacityBytes} drained at {@code bitsPerSecond}, which routes attached with
     * {@link #routeThrough} share, as flows share the narrow link of a path.
     */
    public Bottleneck addBottleneck(long bitsPerSecond, int queueCapacityBytes) {
        return new Bottleneck(bitsPerSecond, queueCapacityBytes);
    }

    /**
     * Makes datagrams from {@code from} to {@code to} wait in {@code bottleneck} before they take their link: they
     * enter the link (its latency, loss and other impairments) when they leave the queue, and a full queue drops
     * them (reported as {@link LinkDropReason#QUEUE_OVERFLOW}, counted by the bottleneck, not the link). The link's own
     * bandwidth, if any, still applies after the bottleneck. {@code null} detaches the route.
     */
    public void routeThrough(InetSocketAddress from, InetSocketAddress to, Bottleneck bottleneck) {
        links.routeThrough(from, to, bottleneck);
    }

    /** Datagrams dropped because no node was registered at their destination when sent or on arrival. */
    public long unknownDestinationDrops() {
        return unknownDestinationDrops;
    }

    /** Number of events (datagram copies in flight and scheduled actions) not yet processed. */
    public int pendingEvents() {
        return events.size();
    }

    /** Installs {@code listener} to observe datagrams, replacing any previous one; {@code null} removes it. */
    public void setListener(SimListener listener) {
        this.listener = listener == null ? NO_LISTENER : listener;
    }

    /** How many events may happen at a single instant before a run fails as a livelock. */
    public long maxEventsPerInstant() {
        return maxEventsPerInstant;
    }

    /**
     * Sets how many events may happen at a single instant before a run fails with an {@link IllegalStateException}.
     * Raise it if a legitimate burst (say, a node sending millions of datagrams at once) trips the guard.
     */
    public void setMaxEventsPerInstant(long max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxEventsPerInstant must be >= 1, got " + max);
        }
        maxEventsPerInstant = max;
    }

    /**
     * Runs {@code action} at virtual time {@code atNanos}, then polls every node. Actions at the same instant run in
     * the order they were scheduled.
     *
     * @throws IllegalArgumentException if {@code atNanos} is before {@link #nowNanos()}
     */
    public void schedule(long atNanos, Runnable action) {
        Objects.requireNonNull(action, "action");
        if (atNanos < nowNanos) {
            throw new IllegalArgumentException("cannot schedule an action in the past: at " + atNanos
                    + " ns, now " + nowNanos + " ns");
        }
        events.addAction(atNanos, action);
    }

    /** Runs {@code action} {@code delayNanos} after the current virtual time; see {@link #schedule}. */
    public void scheduleAfter(long delayNanos, Runnable action) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("delay must be >= 0 ns, got " + delayNanos);
        }
        schedule(Link.saturatingAdd(nowNanos, delayNanos), action);
    }

    /**
     * Processes the next event, moving the clock to its time.
     *
     * @return {@code false} if there was nothing left to do (no event pending and no node deadline to serve)
     */
    public boolean step() {
        enter();
        try {
            return stepUntil(Long.MAX_VALUE);
        } finally {
            running = false;
        }
    }

    /** Processes every event due within the next {@code nanos}, then sets the clock to exactly that much later. */
    public void runFor(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("duration must be >= 0 ns, got " + nanos);
        }
        enter();
        try {
            long end = Link.saturatingAdd(nowNanos, nanos);
            while (stepUntil(end)) {
                // Each step handles one event.
            }
            advanceTo(end);
        } finally {
            running = false;
        }
    }

    /**
     * Processes events until {@code done} returns true (checked before the first event and after each one) or
     * {@code maxNanos} of virtual time have passed, whichever comes first. When the time bound is hit the clock is
     * left exactly {@code maxNanos} later than at the call.
     *
     * @return whether {@code done} became true
     */
    public boolean runUntil(BooleanSupplier done, long maxNanos) {
        Objects.requireNonNull(done, "done");
        if (maxNanos < 0) {
            throw new IllegalArgumentException("maxNanos must be >= 0, got " + maxNanos);
        }
        enter();
        try {
            if (done.getAsBoolean()) {
                return true;
            }
            long end = Link.saturatingAdd(nowNanos, maxNanos);
            while (stepUntil(end)) {
                if (done.getAsBoolean()) {
                    return true;
                }
            }
            advanceTo(end);
            return done.getAsBoolean();
        } finally {
            running = false;
        }
    }

    private void enter() {
        if (running) {
            throw new IllegalStateException("step, runFor and runUntil cannot be called from inside the simulation");
        }
        running = true;
    }

    /** Handles the earliest pending thing if it is due no later than {@code limit}; returns whether it did. */
    private boolean stepUntil(long limit) {
        NodeTable.Entry timerNode = nodes.earliestDue(nowNanos);
        long timerAt = nodes.earliestDueNanos();
        boolean haveEvent = !events.isEmpty();
        if (timerNode != null && (!haveEvent || timerAt <= events.peekTime())) {
            if (timerAt > limit) {
                return false;
            }
            advanceTo(timerAt);
            countEvent();
            poll(timerNode);
            return true;
        }
        if (!haveEvent || events.peekTime() > limit) {
            return false;
        }
        advanceTo(events.peekTime());
        countEvent();
        switch (events.poll()) {
            case EventQueue.Delivery d -> deliver(d);
            case EventQueue.Action a -> runAction(a);
        }
        return true;
    }

    private void advanceTo(long timeNanos) {
        if (timeNanos > nowNanos) {
            nowNanos = timeNanos;
            eventsThisInstant = 0;
        }
    }

    private void countEvent() {
        if (++eventsThisInstant > maxEventsPerInstant) {
            throw new IllegalStateException("more than " + maxEventsPerInstant + " events at " + nowNanos
                    + " ns without the clock moving; nodes exchanging datagrams over zero-latency links can loop"
                    + " forever (seed " + seed + ")");
        }
    }

    private void deliver(EventQueue.Delivery d) {
        Link link = d.link;
        NodeTable.Entry destination = nodes.get(link.to);
        try {
            if (destination == null) {
                unknownDestinationDrops++;
                listener.dropped(nowNanos, link.from, link.to, d.length, LinkDropReason.UNKNOWN_DESTINATION);
                return;
            }
            link.countDelivered(d.length);
            ByteBuffer datagram = ByteBuffer.wrap(d.data, 0, d.length).slice();
            if (listener != NO_LISTENER) {
                listener.delivered(nowNanos, link.from, link.to, datagram.asReadOnlyBuffer());
            }
            destination.node.onDatagram(link.from, datagram, nowNanos);
        } finally {
            // The node may only use the buffer during the call, so the array can be reused at once.
            pool.release(d.data);
        }
        if (!destination.removed) {
            poll(destination);
        }
    }

    private void runAction(EventQueue.Action a) {
        a.action.run();
        // Snapshot: the action or a poll may add or remove nodes.
        for (NodeTable.Entry entry : nodes.snapshot()) {
            if (!entry.removed) {
                poll(entry);
            }
        }
    }

    private void poll(NodeTable.Entry entry) {
        entry.lastPollNanos = nowNanos;
        entry.node.poll(nowNanos, entry.outbox);
    }

    /** What a node's outbox does: hand the datagram to the link towards {@code to}, or drop it if nobody is there. */
    private void transmit(InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(datagram, "datagram");
        if (listener != NO_LISTENER) {
            listener.sent(nowNanos, from, to, datagram.asReadOnlyBuffer());
        }
        if (!nodes.contains(to)) {
            unknownDestinationDrops++;
            listener.dropped(nowNanos, from, to, datagram.remaining(), LinkDropReason.UNKNOWN_DESTINATION);
            return;
        }
        long enter = nowNanos;
        Bottleneck bottleneck = links.bottleneck(from, to);
        if (bottleneck != null) {
            enter = bottleneck.admit(nowNanos, datagram.remaining());
            if (enter < 0) {
                listener.dropped(nowNanos, from, to, datagram.remaining(), LinkDropReason.QUEUE_OVERFLOW);
                return;
            }
        }
        // A datagram that waited in a bottleneck enters its link when it leaves the queue; the link's draws happen
        // now, in the order of sending, which keeps the run deterministic.
        links.link(from, to).offer(enter, datagram, linkSink);
    }
}
