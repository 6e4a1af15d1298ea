package io.udpnet.coap;

import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.CoapFormatException;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.MessageCodec;
import io.udpnet.coap.message.MessageType;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The message layer of a {@link CoapClient}: sends requests with retransmission (RFC 7252 section 4.2), reads the
 * pipe on its own thread, matches ACKs by message ID and responses by token, acknowledges confirmable responses,
 * and routes notifications to observations. Unknown confirmable or notification messages get a Reset.
 */
final class ClientExchanges implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.udpnet.coap");
    /** The Echo option (RFC 9175). */
    private static final int ECHO = 252;

    /** One request in flight. */
    private static final class Exchange {
        final CoapMessage request;
        final byte[] datagram;
        final CompletableFuture<CoapMessage> response = new CompletableFuture<>();
        int retransmissions;
        long timeoutNanos;
        volatile boolean acknowledged;
        volatile ScheduledFuture<?> timer;

        Exchange(CoapMessage request, byte[] datagram, long timeoutNanos) {
            this.request = request;
            this.datagram = datagram;
            this.timeoutNanos = timeoutNanos;
        }
    }

    private final DatagramPipe pipe;
    private final CoapConfig config;
    private final ScheduledThreadPoolExecutor timer;
    private final Map<Integer, Exchange> byMid = new ConcurrentHashMap<>();
    private final Map<String, Exchange> byToken = new ConcurrentHashMap<>();
    private final Map<String, Consumer<CoapMessage>> observations = new ConcurrentHashMap<>();
    /** Message IDs of confirmable responses acknowledged lately, so a retransmission is acknowledged again. */
    private final java.util.LinkedHashMap<Integer, Boolean> recentlyAcked = new java.util.LinkedHashMap<>(64, 0.75f,
            false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
            return size() > 256;
        }
    };
    /** The Echo value of the latest response that carried one, for the next request (RFC 9175); or null. */
    private final java.util.concurrent.atomic.AtomicReference<byte[]> echo =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final AtomicInteger nextMid = new AtomicInteger(ThreadLocalRandom.current().nextInt(0x10000));
    final LongAdder malformed = new LongAdder();
    final LongAdder retransmissions = new LongAdder();
    private final Thread reader;
    private volatile boolean closed;

    ClientExchanges(DatagramPipe pipe, CoapConfig config) {
        this.pipe = pipe;
        this.config = config;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "coap-client-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.reader = Thread.ofPlatform().daemon().name("coap-client-reader").start(this::readLoop);
    }

    int nextMessageId() {
        return nextMid.getAndIncrement() & 0xFFFF;
    }

    static byte[] newToken() {
        byte[] t = new byte[8];
        ThreadLocalRandom.current().nextBytes(t);
        return t;
    }

    /**
     * Sends a request (its message ID and token already set) and returns the future response message. A
     * confirmable request is retransmitted until acknowledged; the future fails with
     * {@link CoapTimeoutException} when retransmissions run out, and with an {@link IOException} on a Reset.
     */
    CompletableFuture<CoapMessage> send(CoapMessage request) {
        byte[] datagram = MessageCodec.encode(request);
        Exchange ex = new Exchange(request, datagram, config.initialTimeoutNanos(ThreadLocalRandom.current()));
        String key = HexFormat.of().formatHex(request.token());
        byToken.put(key, ex);
        byMid.put(request.messageId(), ex);
        ex.response.whenComplete((r, e) -> {
            byToken.remove(key, ex);
            byMid.remove(request.messageId(), ex);
            ScheduledFuture<?> t = ex.timer;
            if (t != null) {
                t.cancel(false);
            }
        });
        transmit(ex.datagram, ex.response);
        if (request.type() == MessageType.CON && !ex.response.isDone()) {
            schedule(ex);
        }
        return ex.response;
    }

    /** The Echo value to put into the next request, once; null when there is none. */
    byte[] takeEcho() {
        return echo.getAndSet(null);
    }

    void addObservation(byte[] token, Consumer<CoapMessage> listener) {
        observations.put(HexFormat.of().formatHex(token), listener);
    }

    void removeObservation(byte[] token) {
        observations.remove(HexFormat.of().formatHex(token));
    }

    private void schedule(Exchange ex) {
        if (!closed) {
            ex.timer = timer.schedule(() -> retransmit(ex), ex.timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void retransmit(Exchange ex) {
        if (ex.acknowledged || ex.response.isDone()) {
            return;
        }
        if (ex.retransmissions >= config.maxRetransmit()) {
            ex.response.completeExceptionally(new CoapTimeoutException("no acknowledgement after "
                    + ex.retransmissions + " retransmissions"));
            return;
        }
        ex.retransmissions++;
        ex.timeoutNanos *= 2;
        retransmissions.increment();
        transmit(ex.datagram, ex.response);
        schedule(ex);
    }

    private void transmit(byte[] datagram, CompletableFuture<?> onError) {
        try {
            pipe.send(ByteBuffer.wrap(datagram));
        } catch (IOException e) {
            onError.completeExceptionally(e);
        }
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(65_535);
        while (!closed) {
            buf.clear();
            int n;
            try {
                n = pipe.receive(buf, Duration.ofMillis(200));
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.DEBUG, () -> "CoAP client pipe failed: " + e);
                    failAll(e);
                }
                return;
            }
            if (n >= 0) {
                buf.flip();
                try {
                    onDatagram(buf);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "CoAP client could not handle a datagram", e);
                }
            }
        }
    }

    private void onDatagram(ByteBuffer buf) {
        CoapMessage m;
        try {
            m = MessageCodec.decode(buf);
        } catch (CoapFormatException e) {
            malformed.increment();
            if (e.type() == MessageType.CON) {
                reply(CoapMessage.empty(MessageType.RST, e.messageId()));
            }
            return;
        }
        var echoOption = m.option(ECHO);
        if (echoOption != null && echoOption.value().length >= 1 && echoOption.value().length <= 40) {
            echo.set(echoOption.value()); // before the response is handed over, so the next request carries it
        }
        switch (m.type()) {
            case ACK, RST -> {
                Exchange ex = byMid.get(m.messageId());
                if (ex == null) {
                    return;
                }
                if (m.type() == MessageType.RST) {
                    ex.response.completeExceptionally(new IOException("the server reset the request"));
                } else if (m.isEmpty()) {
                    ex.acknowledged = true; // a separate response follows
                } else if (m.messageId() == ex.request.messageId()) {
                    ex.response.complete(m);
                }
            }
            case CON, NON -> onConOrNon(m);
        }
    }

    private void onConOrNon(CoapMessage m) {
        if (!CoapCode.isResponse(m.code())) {
            if (m.type() == MessageType.CON) {
                reply(CoapMessage.empty(MessageType.RST, m.messageId())); // pings and requests: not a server
            }
            return;
        }
        String key = HexFormat.of().formatHex(m.token());
        Exchange ex = byToken.get(key);
        Consumer<CoapMessage> obs = observations.get(key);
        if (m.type() == MessageType.CON) {
            boolean again;
            synchronized (recentlyAcked) {
                again = recentlyAcked.containsKey(m.messageId());
            }
            if (again) {
                // Our ACK was lost and the server sent the response again: acknowledge it, deliver nothing twice.
                reply(CoapMessage.empty(MessageType.ACK, m.messageId()));
                return;
            }
        }
        if (ex == null && obs == null) {
            // An unknown response or a notification nobody wants any more (RFC 7641 section 3.6).
            reply(CoapMessage.empty(MessageType.RST, m.messageId()));
            return;
        }
        if (m.type() == MessageType.CON) {
            synchronized (recentlyAcked) {
                recentlyAcked.put(m.messageId(), Boolean.TRUE);
            }
            reply(CoapMessage.empty(MessageType.ACK, m.messageId()));
        }
        if (ex != null) {
            ex.response.complete(m);
        } else {
            obs.accept(m);
        }
    }

    private void reply(CoapMessage m) {
        try {
            pipe.send(ByteBuffer.wrap(MessageCodec.encode(m)));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "CoAP client reply failed: " + e);
        }
    }

    private void failAll(IOException e) {
        for (Exchange ex : byToken.values()) {
            ex.response.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        pipe.close();
        timer.shutdownNow();
        failAll(new IOException("client closed"));
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
