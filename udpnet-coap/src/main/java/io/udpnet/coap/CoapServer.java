package io.udpnet.coap;

import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.ContentFormat;
import io.udpnet.transport.DatagramSession;
import io.udpnet.transport.SessionClosedException;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import io.udpnet.transport.UdpServerListener;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A CoAP server (RFC 7252): a set of {@link CoapResource}s served on any number of {@link UdpServer}s at once, so
 * that the same resource code answers on {@code coap://} and, on a server opened with a DTLS configuration, on
 * {@code coaps://}. It plugs into a transport as its {@link UdpServerListener} ({@link #sessionListener()},
 * {@link #open}) or reads sessions taken with {@link UdpServer#accept()} ({@link #serve}).
 *
 * <pre>{@code
 * CoapServer coap = CoapServer.builder()
 *         .resource(CoapResource.builder("/hello").get(r -> CoapResponse.text("Hello")).build())
 *         .build();
 * coap.open(UdpServerConfig.builder().bindAddress(new InetSocketAddress(5683)));
 * }</pre>
 *
 * <p>Requests are de-duplicated by (peer, message ID) for EXCHANGE_LIFETIME; handlers run on virtual threads, and
 * a handler slower than {@link CoapConfig#separateResponseAfter()} gets its request acknowledged first and its
 * response sent as a separate confirmable message. {@code /.well-known/core} is built in. All memory is bounded by
 * {@link CoapConfig} and the transports' session limits.
 */
public final class CoapServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.udpnet.coap");
    private static final String WELL_KNOWN = "/.well-known/core";

    /** Counters shared by every peer. */
    static final class Counters {
        final LongAdder requests = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder malformed = new LongAdder();
        final LongAdder resetsSent = new LongAdder();
        final LongAdder separateResponses = new LongAdder();
        final LongAdder notifications = new LongAdder();
        final LongAdder overloaded = new LongAdder();
        final LongAdder retransmissions = new LongAdder();
        final LongAdder amplificationLimited = new LongAdder();
    }

    final CoapConfig config;
    final Counters counters = new Counters();
    final DedupCache dedup;
    final ResponseEncoder encoder;
    final AddressCheck addressCheck = new AddressCheck();
    final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    final ScheduledThreadPoolExecutor scheduler;
    private final Map<String, CoapResource> resources;
    private final Map<CoapResource, List<Observer>> observers = new ConcurrentHashMap<>();
    private final AtomicLong observeSequence = new AtomicLong(2);
    private final List<UdpServer> owned = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private CoapServer(Builder b) {
        this.config = b.config;
        this.dedup = new DedupCache(config.dedupCacheSize(), config.exchangeLifetime().toNanos());
        this.encoder = new ResponseEncoder(config.blockSize());
        Map<String, CoapResource> map = new LinkedHashMap<>();
        for (CoapResource r : b.resources) {
            r.attach(this);
            map.put(r.path(), r);
        }
        Collection<CoapResource> listed = List.copyOf(map.values());
        map.putIfAbsent(WELL_KNOWN, CoapResource.builder(WELL_KNOWN)
                .get(req -> CoapResponse.of(CoapCode.CONTENT,
                        LinkFormat.write(listed, req.query()).getBytes(StandardCharsets.UTF_8),
                        ContentFormat.LINK_FORMAT))
                .build());
        this.resources = Map.copyOf(map);
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "coap-timer");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts a server description.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The listener to put into a {@link UdpServerConfig} ({@link UdpServerConfig.Builder#sessionListener}): every
     * session of that server is then served by this CoAP server. May be used for several transports.
     *
     * @return the listener
     */
    public UdpServerListener sessionListener() {
        return sessionListener(false);
    }

    /**
     * Like {@link #sessionListener()}, for a transport that itself proves every peer's address, as DTLS does with
     * its cookie exchange: its peers count as verified from the start and are not held to
     * {@link CoapConfig#amplificationFactor()}.
     *
     * @param addressesVerified true when the transport verifies peer addresses before it opens a session
     * @return the listener
     */
    public UdpServerListener sessionListener(boolean addressesVerified) {
        return session -> new PeerHandler(this, session, addressesVerified);
    }

    /**
     * Opens a transport that serves this CoAP server: the builder gets {@link #sessionListener()} and is opened.
     * The transport is closed with this server.
     *
     * @param transport the transport's configuration, for example with a DTLS option for {@code coaps://}
     * @return the running transport
     * @throws IOException when it cannot bind
     */
    public UdpServer open(UdpServerConfig.Builder transport) throws IOException {
        return open(transport, false);
    }

    /**
     * Like {@link #open(UdpServerConfig.Builder)}, for a transport that verifies peer addresses itself (DTLS for
     * {@code coaps://}); see {@link #sessionListener(boolean)}.
     *
     * @param transport the transport's configuration
     * @param addressesVerified true when the transport verifies peer addresses before it opens a session
     * @return the running transport
     * @throws IOException when it cannot bind
     */
    public UdpServer open(UdpServerConfig.Builder transport, boolean addressesVerified) throws IOException {
        UdpServer s = UdpServer.open(transport.sessionListener(sessionListener(addressesVerified)).build());
        owned.add(s);
        if (closed) {
            s.close();
            throw new ClosedChannelException();
        }
        return s;
    }

    /**
     * Opens a plain UDP transport ({@code coap://}) on an address, with a generous idle time-out so observers that
     * only receive keep their session.
     *
     * @param address the address; port 0 picks one
     * @return the running transport
     * @throws IOException when it cannot bind
     */
    public UdpServer bind(InetSocketAddress address) throws IOException {
        return open(UdpServerConfig.builder().bindAddress(address).idleTimeout(config.exchangeLifetime()));
    }

    /**
     * Serves a transport that was opened without a listener: a virtual thread takes its sessions with
     * {@link UdpServer#accept()} and reads each with {@link DatagramSession#receive}. Returns at once; the loop ends
     * when the transport closes. The transport stays the caller's to close.
     *
     * @param transport the transport
     * @throws IllegalArgumentException when the transport was opened with a {@link UdpServerListener}
     */
    public void serve(UdpServer transport) {
        Objects.requireNonNull(transport, "transport");
        if (transport.config().sessionListener() != null) {
            throw new IllegalArgumentException("the transport hands its sessions to a listener; open it with "
                    + "sessionListener(coapServer.sessionListener()) instead, or without a listener");
        }
        Thread.ofVirtual().name("coap-accept").start(() -> {
            while (!closed && transport.isOpen()) {
                try {
                    DatagramSession s = transport.accept(Duration.ofSeconds(1));
                    if (s != null) {
                        Thread.ofVirtual().start(() -> readLoop(s, transport.config().maxDatagramSize()));
                    }
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    private void readLoop(DatagramSession s, int maxSize) {
        PeerHandler peer = new PeerHandler(this, s, false);
        ByteBuffer buf = ByteBuffer.allocate(maxSize);
        try {
            while (!closed) {
                buf.clear();
                int n = s.receive(buf, Duration.ofSeconds(1));
                if (n >= 0) {
                    buf.flip();
                    peer.onDatagram(s, buf);
                }
            }
        } catch (SessionClosedException e) {
            peer.onClosed(s, e.reason());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "CoAP session " + s.remoteAddress() + " ended: " + e);
        } finally {
            if (s.isOpen()) {
                s.close();
                peer.onClosed(s, io.udpnet.transport.SessionCloseReason.LOCAL_CLOSE);
            }
        }
    }

    /**
     * The resource at a path, {@code /.well-known/core} included.
     *
     * @param path the path
     * @return the resource, or {@code null}
     */
    public CoapResource resource(String path) {
        return resources.get(CoapResource.normalise(path));
    }

    /**
     * A snapshot of the counters.
     *
     * @return the statistics
     */
    public CoapServerStats stats() {
        int obs = 0;
        for (List<Observer> l : observers.values()) {
            obs += l.size();
        }
        Counters c = counters;
        return new CoapServerStats(c.requests.sum(), c.duplicates.sum(), c.malformed.sum(), c.resetsSent.sum(),
                c.separateResponses.sum(), c.notifications.sum(), obs, dedup.size(), dedup.evictions(),
                c.overloaded.sum(), c.retransmissions.sum(), c.amplificationLimited.sum());
    }

    /** Closes the transports opened through {@link #open} or {@link #bind}, and stops the timers. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (UdpServer s : owned) {
            s.close();
        }
        scheduler.shutdownNow();
        handlers.shutdown();
    }

    // ---- used by PeerHandler and CoapResource ----

    boolean isClosed() {
        return closed;
    }

    CoapResponse call(CoapResource resource, CoapRequest request) {
        counters.requests.increment();
        CoapHandler h = resource.handler(request.method());
        try {
            CoapResponse r = h.handle(request);
            return r != null ? r : CoapResponse.of(CoapCode.INTERNAL_SERVER_ERROR);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "CoAP handler of " + resource.path() + " threw", e);
            return CoapResponse.of(CoapCode.INTERNAL_SERVER_ERROR);
        }
    }

    long nextObserveSequence() {
        return observeSequence.getAndIncrement() & 0xFF_FFFF;
    }

    /** Registers (or re-registers) an observer; false when the resource has as many as allowed. */
    boolean register(CoapResource resource, PeerHandler peer, io.udpnet.coap.message.CoapMessage request,
                     int requestSize) {
        List<Observer> list = observers.computeIfAbsent(resource, r -> new CopyOnWriteArrayList<>());
        synchronized (list) {
            list.removeIf(o -> o.sameRegistration(peer, request.token()));
            if (list.size() >= config.maxObserversPerResource()) {
                return false;
            }
            list.add(new Observer(peer, resource, request.token(), request, requestSize));
            return true;
        }
    }

    void deregister(PeerHandler peer, byte[] token) {
        for (List<Observer> list : observers.values()) {
            list.removeIf(o -> o.sameRegistration(peer, token));
        }
    }

    void removeObserver(Observer o) {
        List<Observer> list = observers.get(o.resource);
        if (list != null) {
            list.remove(o);
        }
    }

    void resetReceived(PeerHandler peer, int messageId) {
        for (List<Observer> list : observers.values()) {
            list.removeIf(o -> o.peer == peer && o.lastMessageId == messageId);
        }
    }

    void peerClosed(PeerHandler peer) {
        for (List<Observer> list : observers.values()) {
            list.removeIf(o -> o.peer == peer);
        }
    }

    void notifyObservers(CoapResource resource) {
        List<Observer> list = observers.get(resource);
        if (list == null || list.isEmpty() || closed) {
            return;
        }
        long seq = nextObserveSequence();
        try {
            for (Observer o : new ArrayList<>(list)) {
                handlers.execute(() -> o.peer.notifyObserver(o, seq));
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile: no more notifications
        }
    }

    /** Describes a {@link CoapServer}. */
    public static final class Builder {
        private final List<CoapResource> resources = new ArrayList<>();
        private CoapConfig config = CoapConfig.DEFAULT;

        private Builder() {
        }

        /**
         * Adds a resource; a later one at the same path replaces an earlier one.
         *
         * @param r the resource
         * @return this
         */
        public Builder resource(CoapResource r) {
            resources.add(Objects.requireNonNull(r));
            return this;
        }

        /**
         * Sets the timing and bounds.
         *
         * @param c the configuration
         * @return this
         */
        public Builder config(CoapConfig c) {
            this.config = Objects.requireNonNull(c);
            return this;
        }

        /**
         * Builds the server; it serves nothing until given a transport.
         *
         * @return the server
         */
        public CoapServer build() {
            return new CoapServer(this);
        }
    }
}
