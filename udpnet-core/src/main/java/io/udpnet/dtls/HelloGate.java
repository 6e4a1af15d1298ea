package io.udpnet.dtls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The stateless front of a DTLS server, without I/O: it judges one incoming datagram and says what to do with it,
 * so the raw server and the message server apply the same rules (docs/DTLS.md).
 *
 * <ul>
 *   <li>A ClientHello without a cookie made for the sender's address, or with an expired or foreign one, gets a
 *       HelloVerifyRequest ({@link Verdict#VERIFY}, the bytes in {@link #reply()}): rate-limited and never larger
 *       than the hello, and nothing is kept for the sender.</li>
 *   <li>A hello with a valid cookie is {@link Verdict#PROVEN}; the caller applies its own admission rules and then
 *       calls {@link #admit}, which makes an engine within the bound on handshakes.</li>
 *   <li>From an address that already has a session, anything but a fresh hello is {@link Verdict#PASS}: it belongs
 *       to that session, which a spoofed hello must not disturb.</li>
 * </ul>
 * The context's counters (rejected, rate-limited, HelloVerifyRequests) are kept here; the caller counts only what
 * is its own. One instance per I/O thread: it keeps the last hello it parsed and a reply buffer.
 */
public final class HelloGate {
    /** What to do with a datagram. */
    public enum Verdict {
        /** For the session of the sender's address: not a ClientHello, or a late copy of the session's own. */
        PASS,
        /** Not a ClientHello from an address without a session, or one too small to answer; dropped (counted). */
        REJECTED,
        /** A HelloVerifyRequest was due but the rate limit refused it; dropped (counted as rate-limited). */
        RATE_LIMITED,
        /** Send {@link #reply()} to the sender (counted as a HelloVerifyRequest). */
        VERIFY,
        /** A ClientHello whose cookie proves the sender's address: the caller may {@link #admit} it. */
        PROVEN
    }

    private final DtlsServerContext dtls;
    private final ClientHello hello = new ClientHello();
    private final ByteBuffer reply = ByteBuffer.allocate(HelloCookies.helloVerifyRequestBytes());

    /**
     * A gate over a server's DTLS context.
     *
     * @param dtls the context whose cookies, rate limit, handshake bound and counters are used
     */
    public HelloGate(DtlsServerContext dtls) {
        this.dtls = dtls;
    }

    /**
     * Judges a datagram from an address that has a session (or association) already.
     *
     * @param from     the sender
     * @param datagram the bytes (position..limit, not consumed)
     * @param now      the clock, in nanoseconds
     * @return {@link Verdict#PASS} for the session; {@link Verdict#PROVEN} when the peer restarted with a proven
     *         hello (its old session is over); otherwise the answer to a cookieless hello
     */
    public Verdict fromSession(InetSocketAddress from, ByteBuffer datagram, long now) {
        if (!hello.parse(datagram)) {
            return Verdict.PASS;
        }
        if (hello.cookieLength() == 0) {
            // A client starting over from this address (RFC 6347 section 4.2.8): prove it first, statelessly.
            return answer(from, datagram.remaining(), now);
        }
        // An invalid cookie here is a late copy of the session's own hello (it carries the engine's cookie).
        return dtls.cookies().verify(from, hello, now) ? Verdict.PROVEN : Verdict.PASS;
    }

    /**
     * Judges a datagram from an address with no session and no handshake.
     *
     * @param from     the sender
     * @param datagram the bytes (position..limit, not consumed)
     * @param now      the clock, in nanoseconds
     * @return {@link Verdict#PROVEN}, {@link Verdict#VERIFY}, {@link Verdict#RATE_LIMITED} or
     *         {@link Verdict#REJECTED}
     */
    public Verdict fromStranger(InetSocketAddress from, ByteBuffer datagram, long now) {
        if (!hello.parse(datagram)) {
            dtls.countRejected();
            return Verdict.REJECTED;
        }
        if (hello.cookieLength() == 0 || !dtls.cookies().verify(from, hello, now)) {
            // No cookie, or one not made for this address (or expired): answer as to a first hello.
            return answer(from, datagram.remaining(), now);
        }
        return Verdict.PROVEN;
    }

    /**
     * Starts a handshake for the hello last judged {@link Verdict#PROVEN}, within the bound on handshakes.
     *
     * @param from the sender of that hello
     * @param now  the clock, in nanoseconds
     * @return the new engine's peer, or null when the bound is reached (counted by the context)
     */
    public DtlsPeer admit(InetSocketAddress from, long now) {
        return dtls.startHandshake(from, hello, now);
    }

    /**
     * The HelloVerifyRequest of the last {@link Verdict#VERIFY}, position..limit; valid until the next call.
     *
     * @return the reply buffer
     */
    public ByteBuffer reply() {
        return reply;
    }

    /** A HelloVerifyRequest for the hello just parsed, rate-limited and never more bytes than came in. */
    private Verdict answer(InetSocketAddress from, int size, long now) {
        if (size < HelloCookies.helloVerifyRequestBytes()) {
            dtls.countRejected();
            return Verdict.REJECTED;
        }
        if (!dtls.tryHelloVerify(now)) {
            dtls.countRateLimited();
            return Verdict.RATE_LIMITED;
        }
        reply.clear();
        dtls.cookies().writeHelloVerifyRequest(from, hello, now, reply);
        reply.flip();
        dtls.countHelloVerify(reply.remaining(), size);
        return Verdict.VERIFY;
    }
}
