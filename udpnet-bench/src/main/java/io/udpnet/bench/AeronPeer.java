package io.udpnet.bench;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Aeron over UDP unicast on 127.0.0.1: an embedded media driver (SHARED threading mode: conductor, sender and
 * receiver on one thread) in this process, one client, and per use one publication and one subscription on its own
 * stream and port. Throughput goes through a {@link Publication} ({@code offer}, thread-safe like udpnet's
 * connection) to a subscription polled by its own thread; ping-pong sends pings from the calling thread on the
 * schedule, echoes them from a second thread and takes the pongs on a third, each polling its subscription. All those threads wait with the configured idle
 * strategy when there is nothing to read or the publication is back-pressured.
 */
final class AeronPeer implements ComparedPeer {
    private static final int FRAGMENT_LIMIT = 256;
    private static final int DATA_STREAM = 1001;
    private static final int PING_STREAM = 1002;
    private static final int PONG_STREAM = 1003;
    private static final Pattern COUNTERS = Pattern.compile(
            "(?i)^(NAKs (sent|received)|Retransmits sent|Loss gap fills|Flow control (under|over) runs"
                    + "|Heartbeats sent|Status Messages (sent|received)|Errors|Invalid packets).*");

    private final PeerSettings settings;
    private final Path dir;
    private final UnsafeBuffer out;
    private final Counting counting = new Counting();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private MediaDriver.Context driverContext;
    private MediaDriver driver;
    private Aeron aeron;
    private Publication data;
    private Subscription dataSubscription;
    private Publication ping;
    private Subscription pingSubscription;
    private Publication pong;
    private Subscription pongSubscription;
    private long sent;
    private long heldBack;
    private Map<String, Long> lastCounters = Map.of();

    private AeronPeer(PeerSettings settings) {
        this.settings = settings;
        // Aeron keeps its log buffers in memory-mapped files; on Linux it puts them in /dev/shm by default.
        Path shm = Path.of("/dev/shm");
        Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm
                : Path.of(System.getProperty("java.io.tmpdir"));
        this.dir = parent.resolve("udpnet-bench-aeron-" + UUID.randomUUID());
        this.out = new UnsafeBuffer(ByteBuffer.allocateDirect(settings.size()));
    }

    /** Launches the driver, connects, and waits until every publication has its subscriber. */
    static AeronPeer open(PeerSettings settings) {
        AeronPeer p = new AeronPeer(settings);
        try {
            p.driverContext = new MediaDriver.Context()
                    .aeronDirectoryName(p.dir.toString())
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(settings.idle().create())
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true);
            p.driver = MediaDriver.launchEmbedded(p.driverContext);
            p.resources.add(p.driver);
            p.aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(p.driver.aeronDirectoryName()));
            p.resources.add(0, p.aeron);
            p.dataSubscription = p.subscribe(DATA_STREAM);
            p.data = p.publish(p.dataSubscription, DATA_STREAM);
            p.pingSubscription = p.subscribe(PING_STREAM);
            p.ping = p.publish(p.pingSubscription, PING_STREAM);
            p.pongSubscription = p.subscribe(PONG_STREAM);
            p.pong = p.publish(p.pongSubscription, PONG_STREAM);
            p.awaitConnected(p.data, p.dataSubscription);
            p.awaitConnected(p.ping, p.pingSubscription);
            p.awaitConnected(p.pong, p.pongSubscription);
            if (settings.size() > p.data.maxMessageLength()) {
                throw new IllegalArgumentException("--size " + settings.size() + " is over Aeron's message limit of "
                        + p.data.maxMessageLength());
            }
            p.lastCounters = p.counters();
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** A subscription on 127.0.0.1 with a port the system picks (no race for a free port). */
    private Subscription subscribe(int stream) {
        Subscription s = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", stream);
        resources.add(0, s);
        return s;
    }

    /** A publication to the port {@code subscription} was given. */
    private Publication publish(Subscription subscription, int stream) {
        long deadline = System.nanoTime() + PeerSettings.TIMEOUT_NANOS;
        String channel;
        while ((channel = subscription.tryResolveChannelEndpointPort()) == null
                || channel.contains("127.0.0.1:0")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("aeron: stream " + stream + "'s subscription got no port");
            }
            sleep();
        }
        Publication p = aeron.addPublication(channel, stream);
        resources.add(0, p);
        return p;
    }

    private static void awaitConnected(Publication p, Subscription s) {
        long deadline = System.nanoTime() + PeerSettings.TIMEOUT_NANOS;
        while (!p.isConnected() || s.imageCount() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("aeron: " + p.channel() + " stream " + p.streamId()
                        + " did not connect");
            }
            sleep();
        }
    }

    @Override
    public String name() {
        return "aeron";
    }

    @Override
    public List<String> configuration() {
        MediaDriver.Context c = driverContext;
        return List.of(
                "Aeron " + io.aeron.AeronVersion.VERSION + ", embedded MediaDriver, ThreadingMode.SHARED, "
                        + "shared idle strategy " + settings.idle().describe(),
                "directory " + dir.getParent() + "/udpnet-bench-aeron-<random>, deleted at the end",
                "channel aeron:udp?endpoint=127.0.0.1:<port> per stream; Publication (concurrent) offer, "
                        + "Subscription poll with FragmentAssembler, fragment limit " + FRAGMENT_LIMIT,
                "term buffer " + c.publicationTermBufferLength() + " B, initial receiver window "
                        + c.initialWindowLength() + " B, MTU " + c.mtuLength() + " B, socket buffers rcv "
                        + c.socketRcvbufLength() + " / snd " + c.socketSndbufLength() + " B (0 = system default)",
                "publisher on back-pressure, subscriber and ponger when idle: " + settings.idle().describe());
    }

    @Override
    public Throughput throughput(long nanos) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread subscriber = new Thread(() -> {
            IdleStrategy idle = settings.idle().create();
            FragmentAssembler assembler = new FragmentAssembler(counting);
            while (running.get()) {
                idle.idle(dataSubscription.poll(assembler, FRAGMENT_LIMIT));
            }
        }, "aeron-bench-subscriber");
        subscriber.start();
        try {
            IdleStrategy idle = settings.idle().create();
            int size = settings.size();
            long seq = sent;
            long first = seq;
            long r0 = counting.received.get();
            long t0 = System.nanoTime();
            long deadline = t0 + nanos;
            while (true) {
                out.putLong(0, seq);
                long r = data.offer(out, 0, size);
                if (r > 0) {
                    seq++;
                    idle.reset();
                    if ((seq & 63) == 0 && System.nanoTime() >= deadline) {
                        break;
                    }
                } else if (r == Publication.BACK_PRESSURED || r == Publication.ADMIN_ACTION
                        || r == Publication.NOT_CONNECTED) {
                    heldBack++;
                    if (System.nanoTime() >= deadline) {
                        break;
                    }
                    idle.idle();
                } else {
                    throw new IllegalStateException("aeron: offer failed with " + r);
                }
            }
            long t1 = System.nanoTime();
            long r1 = counting.received.get();
            sent = seq;
            Drain.untilAll("aeron", counting.received, sent, counting.error);
            double rate = (r1 - r0) * 1e9 / (t1 - t0);
            return new Throughput(rate, rate * size, seq - first, seq - first);
        } finally {
            running.set(false);
            join(subscriber);
        }
    }

    @Override
    public PingSchedule.Result pingPong(PingSchedule schedule) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<String> pongerError = new AtomicReference<>();
        Thread ponger = new Thread(() -> {
            IdleStrategy idle = settings.idle().create();
            IdleStrategy offerIdle = settings.idle().create();
            FragmentAssembler echo = new FragmentAssembler((buffer, offset, length, header) -> {
                long deadline = System.nanoTime() + PeerSettings.TIMEOUT_NANOS;
                long r;
                offerIdle.reset();
                while ((r = pong.offer(buffer, offset, length)) < 0) {
                    if (r == Publication.CLOSED || r == Publication.MAX_POSITION_EXCEEDED
                            || System.nanoTime() > deadline) {
                        pongerError.compareAndSet(null, "echo failed with " + r);
                        return;
                    }
                    offerIdle.idle();
                }
            });
            while (running.get()) {
                idle.idle(pingSubscription.poll(echo, FRAGMENT_LIMIT));
            }
        }, "aeron-bench-ponger");
        Thread pongs = new Thread(() -> {
            IdleStrategy idle = settings.idle().create();
            FragmentAssembler onPong = new FragmentAssembler(
                    (buffer, offset, length, header) -> schedule.onPong(buffer.getLong(offset + 8)));
            while (running.get()) {
                idle.idle(pongSubscription.poll(onPong, FRAGMENT_LIMIT));
            }
        }, "aeron-bench-pongs");
        ponger.start();
        pongs.start();
        try {
            IdleStrategy idle = settings.idle().create();
            int size = settings.size();
            return schedule.run((number, due) -> {
                out.putLong(0, number);
                out.putLong(8, due);
                long deadline = System.nanoTime() + PeerSettings.TIMEOUT_NANOS;
                long r;
                idle.reset();
                while ((r = ping.offer(out, 0, size)) < 0) {
                    if (r == Publication.CLOSED || r == Publication.MAX_POSITION_EXCEEDED
                            || System.nanoTime() > deadline) {
                        throw new IllegalStateException("aeron: ping offer failed with " + r);
                    }
                    String e = pongerError.get();
                    if (e != null) {
                        throw new IllegalStateException("aeron: " + e);
                    }
                    idle.idle();
                }
            }, PeerSettings.TIMEOUT_NANOS);
        } finally {
            running.set(false);
            join(ponger);
            join(pongs);
        }
    }

    @Override
    public String diagnostics() {
        Map<String, Long> now = counters();
        List<String> changed = new ArrayList<>();
        now.forEach((k, v) -> {
            long d = v - lastCounters.getOrDefault(k, 0L);
            if (d != 0) {
                changed.add(k + " +" + d);
            }
        });
        lastCounters = now;
        return String.format(Locale.ROOT, "publisher held back %,d times since start; driver counters since last: %s",
                heldBack, changed.isEmpty() ? "none changed" : String.join(", ", changed));
    }

    /** The driver's system counters worth watching (loss and flow control), by label. */
    private Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        var reader = aeron.countersReader();
        reader.forEach((id, typeId, key, label) -> {
            if (COUNTERS.matcher(label).matches()) {
                m.merge(label.replaceAll(":.*", "").trim(), reader.getCounterValue(id), Long::sum);
            }
        });
        return m;
    }

    @Override
    public void close() {
        CloseHelper.quietCloseAll(resources);
        resources.clear();
        try {
            deleteRecursively(dir);
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    /** Counts and checks the throughput stream's messages, on the subscriber thread. */
    private static final class Counting implements FragmentHandler {
        final AtomicLong received = new AtomicLong();
        final AtomicReference<String> error = new AtomicReference<>();
        private long count;

        @Override
        public void onFragment(org.agrona.DirectBuffer buffer, int offset, int length, io.aeron.logbuffer.Header h) {
            long seq = buffer.getLong(offset);
            if (seq != count) {
                error.compareAndSet(null, "message " + seq + " arrived when " + count + " was expected");
            }
            count = seq + 1;
            received.setRelease(count);
        }
    }

    private static void join(Thread t) throws InterruptedException {
        t.join(PeerSettings.TIMEOUT_NANOS / 1_000_000);
        if (t.isAlive()) {
            throw new IllegalStateException("aeron: " + t.getName() + " did not stop");
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
