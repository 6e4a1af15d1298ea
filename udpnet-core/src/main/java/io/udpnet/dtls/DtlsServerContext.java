package io.udpnet.dtls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a DTLS server shares across its I/O threads: the SSLContext made from a {@link DtlsServerConfig}, the
 * address-bound {@link HelloCookies}, the HelloVerifyRequest rate limit, the bound on handshakes in progress, and
 * the counters. Thread-safe.
 */
public final class DtlsServerContext {
    private static final System.Logger LOG = System.getLogger("io.udpnet.dtls");

    private final DtlsServerConfig config;
    private final DtlsCredentials credentials;
    private final boolean selfSigned;
    private final SSLContext context;
    private final HelloCookies cookies;
    private final Object bucketLock = new Object();
    private double tokens;
    private long refilledAt;
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger engines = new AtomicInteger();
    private final LongAdder helloVerifyRequestsSent = new LongAdder();
    private final LongAdder helloVerifyBytesSent = new LongAdder();
    private final LongAdder helloVerifyBytesAnswered = new LongAdder();
    private final LongAdder helloVerifyRateLimited = new LongAdder();
    private final LongAdder hellosRejected = new LongAdder();
    private final LongAdder handshakesStarted = new LongAdder();
    private final LongAdder handshakesRefused = new LongAdder();
    private final LongAdder handshakesCompleted = new LongAdder();
    private final LongAdder handshakesFailed = new LongAdder();
    private final LongAdder invalidRecords = new LongAdder();
    private final int maxPacketSize;

    /**
     * Makes the SSLContext; generates a self-signed certificate (and logs its fingerprint) when none is configured.
     *
     * @param config the settings
     * @param now    the time now ({@link System#nanoTime()})
     */
    public DtlsServerContext(DtlsServerConfig config, long now) {
        this(config, config.maxDatagramSize(), now);
    }

    /**
     * As {@link #DtlsServerContext(DtlsServerConfig, long)}, with the engines' maximum datagram size given apart:
     * a layer above that must fit its own datagrams into one record each sets it to its datagram plus the record
     * overhead.
     *
     * @param config        the settings
     * @param maxPacketSize the engines' largest datagram, 256 .. 16,384 bytes
     * @param now           the time now ({@link System#nanoTime()})
     */
    public DtlsServerContext(DtlsServerConfig config, int maxPacketSize, long now) {
        if (maxPacketSize < 256 || maxPacketSize > 16_384) {
            throw new IllegalArgumentException("maxPacketSize: 256..16384 expected, got " + maxPacketSize);
        }
        this.config = config;
        this.maxPacketSize = maxPacketSize;
        this.selfSigned = config.credentials() == null;
        this.credentials = selfSigned ? DtlsCredentials.selfSigned("udpnet") : config.credentials();
        if (selfSigned) {
            LOG.log(Level.INFO, "DTLS server uses a self-signed certificate, SHA-256 fingerprint {0}",
                    credentials.fingerprint());
        }
        try {
            this.context = DtlsEngines.context(credentials, config.clientTrust());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the DTLS context: " + e.getMessage(), e);
        }
        this.cookies = new HelloCookies(new SecureRandom(), config.cookieRotation().toNanos(), now);
        this.tokens = config.helloVerifyRequestsPerSecond();
        this.refilledAt = now;
    }

    /** @return the settings */
    public DtlsServerConfig config() {
        return config;
    }

    /** @return the credentials in use, generated ones included */
    public DtlsCredentials credentials() {
        return credentials;
    }

    /** @return true when the certificate was generated at start-up */
    public boolean selfSigned() {
        return selfSigned;
    }

    /** @return the cookie source */
    public HelloCookies cookies() {
        return cookies;
    }

    /**
     * Counts a HelloVerifyRequest sent.
     *
     * @param sentBytes     its size
     * @param answeredBytes the size of the hello it answered
     */
    public void countHelloVerify(int sentBytes, int answeredBytes) {
        helloVerifyRequestsSent.increment();
        helloVerifyBytesSent.add(sentBytes);
        helloVerifyBytesAnswered.add(answeredBytes);
    }

    /** Counts a cookieless hello dropped by the rate limit. */
    public void countRateLimited() {
        helloVerifyRateLimited.increment();
    }

    /** Counts a datagram from an unknown peer that was no acceptable hello. */
    public void countRejected() {
        hellosRejected.increment();
    }

    /**
     * Counts records dropped as invalid.
     *
     * @param n how many
     */
    public void countInvalidRecords(long n) {
        invalidRecords.add(n);
    }

    /**
     * Takes a token of the HelloVerifyRequest rate limit.
     *
     * @param now the time now
     * @return false when none is left: drop the hello (the caller counts it)
     */
    public boolean tryHelloVerify(long now) {
        synchronized (bucketLock) {
            int rate = config.helloVerifyRequestsPerSecond();
            tokens = Math.min(rate, tokens + (now - refilledAt) * 1e-9 * rate);
            refilledAt = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }

    /**
     * Starts a handshake for a client that proved its address: takes a slot of the bound and makes its engine.
     *
     * <p>A JDK server engine starts a handshake only from a ClientHello with message_seq 0 and no cookie, and then
     * insists on its own cookie exchange. The client's proven hello (message_seq 1, udpnet's cookie) is therefore
     * preceded by the hello as it was first sent, rebuilt from the proven one; the engine's answer to that is
     * dropped. Given the proven hello next, the engine finds udpnet's cookie is not its own and sends its
     * HelloVerifyRequest, with message_seq 1, as if it had sent the first: the client's next hello carries the
     * engine's cookie and the handshake goes on.
     *
     * @param peer  the client
     * @param hello the client's hello, parsed, with a valid udpnet cookie
     * @param now   the time now
     * @return the association, or null when the bound is reached (counted)
     */
    public DtlsPeer startHandshake(InetSocketAddress peer, ClientHello hello, long now) {
        while (true) {
            int n = handshakes.get();
            if (n >= config.maxHandshakes()) {
                handshakesRefused.increment();
                return null;
            }
            if (handshakes.compareAndSet(n, n + 1)) {
                break;
            }
        }
        SSLEngine engine = DtlsEngines.server(context, peer, config, maxPacketSize);
        engines.incrementAndGet();
        handshakesStarted.increment();
        DtlsPeer d = new DtlsPeer(engine, config.initialRetransmitTimeout().toNanos(),
                config.maxRetransmitTimeout().toNanos(), config.handshakeTimeout().toNanos(), now);
        d.start(now, NO_OUTPUT);
        java.nio.ByteBuffer first = java.nio.ByteBuffer.allocate(hello.recordLengthWithoutCookie());
        hello.writeWithoutCookie(first);
        d.receive(first.flip(), now, NO_OUTPUT);
        return d;
    }

    /**
     * A handshake ended: completed (its engine lives on in a session) or not (its engine is dropped).
     *
     * @param peer      the association
     * @param completed whether it became a session
     */
    public void handshakeEnded(DtlsPeer peer, boolean completed) {
        handshakes.decrementAndGet();
        if (completed) {
            handshakesCompleted.increment();
        } else {
            handshakesFailed.increment();
            release(peer);
        }
    }

    /**
     * An association is gone for good: its engine is let go. Once per association; later calls do nothing.
     *
     * @param peer the association
     */
    public void release(DtlsPeer peer) {
        if (peer.markReleased()) {
            engines.decrementAndGet();
        }
    }

    /** @return a snapshot of the counters */
    public DtlsStats stats() {
        return new DtlsStats(helloVerifyRequestsSent.sum(), helloVerifyBytesSent.sum(), helloVerifyBytesAnswered.sum(),
                helloVerifyRateLimited.sum(), hellosRejected.sum(), handshakesStarted.sum(), handshakesRefused.sum(),
                handshakesCompleted.sum(), handshakesFailed.sum(), handshakes.get(), engines.get(),
                invalidRecords.sum());
    }

    private static final DtlsPeer.Output NO_OUTPUT = new DtlsPeer.Output() {
        @Override
        public void transmit(java.nio.ByteBuffer datagram) {
        }

        @Override
        public void plaintext(java.nio.ByteBuffer data) {
        }
    };
}
