package io.udpnet.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.IdleStrategy;

/**
 * ENet, the C library (Debian's {@code libenet7}), through the FFM API: a server host and a client host on
 * 127.0.0.1, one channel, reliable packets (ENet's reliable channels are ordered). ENet hosts are not thread-safe, so
 * each has its own thread that alone calls into it, polling {@code enet_host_service} with a zero timeout and the
 * shared idle strategy when nothing happened. The calling thread hands pings to the client's thread through a queue.
 *
 * <p>ENet offers no back-pressure (it queues whatever is sent), so the sender keeps at most
 * {@value #MAX_OUTSTANDING_BYTES} bytes sent but not yet received by the server's application, a count it can read
 * only because both ends share this process.
 *
 * <p>Compiled only with JDK 22 or later (the FFM API is final from 22), from {@code src/main/java22}.
 */
final class EnetPeer implements ComparedPeer {
    private static final int MAX_OUTSTANDING_BYTES = 4 << 20;
    static final int EVENT_CONNECT = 1;
    static final int EVENT_RECEIVE = 3;
    private static final int PACKET_RELIABLE = 1;
    /** ENetEvent on x86-64: type (int) at 0, peer at 8, channelID at 16, data at 20, packet at 24; 32 bytes. */
    static final long EVENT_SIZE = 32;
    /** ENetPacket: referenceCount, flags, data at 16, dataLength at 24. */
    private static final long PACKET_DATA = 16;
    private static final long PACKET_LENGTH = 24;
    /** ENetHost starts with the socket (int) and its bound ENetAddress: host at 4, port at 8. */
    static final long HOST_PORT = 8;
    static final int LOOPBACK = 0x0100007F; // 127.0.0.1 in network byte order, read as a little-endian int

    static final class Native {
        final MethodHandle initialize;
        final MethodHandle hostCreate;
        final MethodHandle hostConnect;
        final MethodHandle hostService;
        final MethodHandle hostDestroy;
        final MethodHandle packetCreate;
        final MethodHandle packetDestroy;
        final MethodHandle peerSend;
        final MethodHandle throttleConfigure;

        Native(SymbolLookup lib) {
            Linker l = Linker.nativeLinker();
            ValueLayout a = ValueLayout.ADDRESS;
            ValueLayout i = ValueLayout.JAVA_INT;
            ValueLayout s = ValueLayout.JAVA_LONG;
            initialize = l.downcallHandle(lib.find("enet_initialize").orElseThrow(), FunctionDescriptor.of(i));
            hostCreate = l.downcallHandle(lib.find("enet_host_create").orElseThrow(),
                    FunctionDescriptor.of(a, a, s, s, i, i));
            hostConnect = l.downcallHandle(lib.find("enet_host_connect").orElseThrow(),
                    FunctionDescriptor.of(a, a, a, s, i));
            hostService = l.downcallHandle(lib.find("enet_host_service").orElseThrow(),
                    FunctionDescriptor.of(i, a, a, i));
            hostDestroy = l.downcallHandle(lib.find("enet_host_destroy").orElseThrow(),
                    FunctionDescriptor.ofVoid(a));
            packetCreate = l.downcallHandle(lib.find("enet_packet_create").orElseThrow(),
                    FunctionDescriptor.of(a, a, s, i));
            packetDestroy = l.downcallHandle(lib.find("enet_packet_destroy").orElseThrow(),
                    FunctionDescriptor.ofVoid(a));
            peerSend = l.downcallHandle(lib.find("enet_peer_send").orElseThrow(),
                    FunctionDescriptor.of(i, a, ValueLayout.JAVA_BYTE, a));
            throttleConfigure = l.downcallHandle(lib.find("enet_peer_throttle_configure").orElseThrow(),
                    FunctionDescriptor.ofVoid(a, i, i, i));
        }

        /**
         * Waits for the threads that service the hosts (each at most the bench's time-out), then destroys the hosts
         * that were created.
         */
        void stop(MemorySegment client, MemorySegment server, Thread... threads) throws Throwable {
            for (Thread t : threads) {
                if (t != null) {
                    try {
                        t.join(PeerSettings.TIMEOUT_NANOS / 1_000_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            for (MemorySegment host : new MemorySegment[] {client, server}) {
                if (!host.equals(MemorySegment.NULL)) {
                    hostDestroy.invokeExact(host);
                }
            }
        }
    }

    private static Native lib;

    private final PeerSettings settings;
    private final int size;
    private final Arena arena = Arena.ofShared();
    private final AtomicLong received = new AtomicLong();
    private final AtomicReference<String> error = new AtomicReference<>();
    private final Queue<long[]> pings = new ConcurrentLinkedQueue<>();
    private final CountDownLatch connected = new CountDownLatch(2);
    private volatile boolean running = true;
    private volatile boolean echo;
    private volatile PingSchedule schedule;
    /** The throughput iteration the client's thread sends for, if any. */
    private volatile SendWindow blast;
    private MemorySegment server = MemorySegment.NULL;
    private MemorySegment client = MemorySegment.NULL;
    private Thread serverThread;
    private Thread clientThread;
    private long sent;

    private EnetPeer(PeerSettings settings) {
        this.settings = settings;
        this.size = settings.size();
    }

    /** Loads libenet, starts both hosts and connects them; {@link Peers.Unavailable} when libenet is missing. */
    static EnetPeer open(PeerSettings settings) throws Throwable {
        Native n = load();
        EnetPeer p = new EnetPeer(settings);
        try {
            MemorySegment address = p.arena.allocate(8);
            address.set(ValueLayout.JAVA_INT, 0, LOOPBACK);
            address.set(ValueLayout.JAVA_SHORT, 4, (short) 0);
            p.server = (MemorySegment) n.hostCreate.invokeExact(address, 1L, 1L, 0, 0);
            p.client = (MemorySegment) n.hostCreate.invokeExact(MemorySegment.NULL, 1L, 1L, 0, 0);
            if (p.server.equals(MemorySegment.NULL) || p.client.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("enet: enet_host_create failed");
            }
            p.server = p.server.reinterpret(16);
            int port = Short.toUnsignedInt(p.server.get(ValueLayout.JAVA_SHORT, HOST_PORT));
            address.set(ValueLayout.JAVA_SHORT, 4, (short) port);
            MemorySegment peer = (MemorySegment) n.hostConnect.invokeExact(p.client, address, 1L, 0);
            if (peer.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("enet: enet_host_connect failed");
            }
            p.serverThread = new Thread(p::serve, "enet-bench-server");
            p.clientThread = new Thread(() -> p.runClient(peer), "enet-bench-client");
            p.serverThread.start();
            p.clientThread.start();
            if (!p.connected.await(PeerSettings.TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("enet: the client did not connect; " + p.error.get());
            }
        } catch (Throwable e) {
            p.close();
            throw e;
        }
        return p;
    }

    static synchronized Native load() throws Peers.Unavailable {
        if (lib == null) {
            SymbolLookup l;
            try {
                l = SymbolLookup.libraryLookup("libenet.so.7", Arena.global());
            } catch (IllegalArgumentException e) {
                throw new Peers.Unavailable("libenet.so.7 is not installed (Debian: apt-get install libenet7)");
            }
            Native n = new Native(l);
            try {
                if ((int) n.initialize.invokeExact() != 0) {
                    throw new Peers.Unavailable("enet_initialize failed");
                }
            } catch (Peers.Unavailable e) {
                throw e;
            } catch (Throwable e) {
                throw new Peers.Unavailable("enet_initialize failed: " + e);
            }
            lib = n;
        }
        return lib;
    }

    @Override
    public String name() {
        return "enet";
    }

    @Override
    public List<String> configuration() {
        return List.of("ENet (libenet.so.7, Debian libenet7) through the FFM API; one channel, ENET_PACKET_FLAG_RELIABLE "
                        + "(reliable, ordered); bandwidth limits 0 (none), ENet's default MTU and windows",
                "one thread per host polling enet_host_service(timeout 0), " + settings.idle().describe()
                        + " when nothing happened; pings handed to the client's thread through a queue",
                "sender keeps at most " + MAX_OUTSTANDING_BYTES + " B outstanding (ENet has no back-pressure)");
    }

    @Override
    public Throughput throughput(long nanos) throws Exception {
        echo = false;
        SendWindow w = SendWindow.run("enet", sent, nanos, received, window -> blast = window);
        sent = w.next();
        return w.allDelivered("enet", received, error, size);
    }

    @Override
    public PingSchedule.Result pingPong(PingSchedule s) throws Exception {
        echo = true;
        schedule = s;
        try {
            PingSchedule.Result r = s.run((number, due) -> pings.add(new long[] {number, due}),
                    PeerSettings.TIMEOUT_NANOS);
            if (error.get() != null) {
                throw new IllegalStateException("enet: " + error.get());
            }
            return r;
        } finally {
            schedule = null;
        }
    }

    /** The server host's thread: counts and checks messages, or echoes them. */
    private void serve() {
        IdleStrategy idle = settings.idle().create();
        MemorySegment event = arena.allocate(EVENT_SIZE, 8);
        long count = 0;
        try {
            while (running) {
                int r = (int) lib.hostService.invokeExact(server, event, 0);
                if (r < 0) {
                    throw new IllegalStateException("enet_host_service failed on the server");
                }
                idle.idle(r);
                if (r == 0) {
                    continue;
                }
                int type = event.get(ValueLayout.JAVA_INT, 0);
                if (type == EVENT_CONNECT) {
                    connected.countDown();
                } else if (type == EVENT_RECEIVE) {
                    MemorySegment packet = event.get(ValueLayout.ADDRESS, 24).reinterpret(32);
                    long length = packet.get(ValueLayout.JAVA_LONG, PACKET_LENGTH);
                    MemorySegment data = packet.get(ValueLayout.ADDRESS, PACKET_DATA).reinterpret(length);
                    if (echo) {
                        MemorySegment copy = (MemorySegment) lib.packetCreate.invokeExact(data, length,
                                PACKET_RELIABLE);
                        MemorySegment peer = event.get(ValueLayout.ADDRESS, 8);
                        if ((int) lib.peerSend.invokeExact(peer, (byte) 0, copy) != 0) {
                            throw new IllegalStateException("enet_peer_send failed on the server");
                        }
                    } else {
                        long seq = data.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                        if (seq != count && error.get() == null) {
                            error.set("message " + seq + " arrived when " + count + " was expected");
                        }
                        count = seq + 1;
                        received.setRelease(count);
                    }
                    lib.packetDestroy.invokeExact(packet);
                }
            }
        } catch (Throwable e) {
            error.compareAndSet(null, e.toString());
        }
    }

    /** The client host's thread: sends for a {@link SendWindow} or queued pings, takes pongs. */
    private void runClient(MemorySegment peer) {
        IdleStrategy idle = settings.idle().create();
        MemorySegment event = arena.allocate(EVENT_SIZE, 8);
        MemorySegment out = arena.allocate(Math.max(size, PingSchedule.HEADER), 8);
        long outstandingLimit = Math.max(1, MAX_OUTSTANDING_BYTES / size);
        try {
            while (running) {
                int work = 0;
                SendWindow b = blast;
                if (b != null) {
                    long n = b.next();
                    for (int i = 0; i < 64 && n - received.get() < outstandingLimit; i++) {
                        out.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, n++);
                        send(peer, out);
                        work++;
                    }
                    b.sentUpTo(n);
                    if (b.isDue()) {
                        // Cleared before closing, so that it cannot overwrite the next iteration's window.
                        blast = null;
                        b.close();
                    }
                }
                long[] ping;
                while ((ping = pings.poll()) != null) {
                    out.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, ping[0]);
                    out.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, ping[1]);
                    send(peer, out);
                    work++;
                }
                int r;
                while ((r = (int) lib.hostService.invokeExact(client, event, 0)) > 0) {
                    work++;
                    int type = event.get(ValueLayout.JAVA_INT, 0);
                    if (type == EVENT_CONNECT) {
                        connected.countDown();
                    } else if (type == EVENT_RECEIVE) {
                        MemorySegment packet = event.get(ValueLayout.ADDRESS, 24).reinterpret(32);
                        MemorySegment data = packet.get(ValueLayout.ADDRESS, PACKET_DATA).reinterpret(16);
                        PingSchedule s = schedule;
                        if (s != null) {
                            s.onPong(data.get(ValueLayout.JAVA_LONG_UNALIGNED, 8));
                        }
                        lib.packetDestroy.invokeExact(packet);
                    }
                }
                if (r < 0) {
                    throw new IllegalStateException("enet_host_service failed on the client");
                }
                idle.idle(work);
            }
        } catch (Throwable e) {
            error.compareAndSet(null, e.toString());
        }
    }

    private void send(MemorySegment peer, MemorySegment out) throws Throwable {
        MemorySegment packet = (MemorySegment) lib.packetCreate.invokeExact(out, (long) size, PACKET_RELIABLE);
        if ((int) lib.peerSend.invokeExact(peer, (byte) 0, packet) != 0) {
            throw new IllegalStateException("enet_peer_send failed");
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            lib.stop(client, server, clientThread, serverThread);
        } catch (Throwable e) {
            System.err.println("enet: destroying the hosts: " + e);
        }
        arena.close();
    }
}
