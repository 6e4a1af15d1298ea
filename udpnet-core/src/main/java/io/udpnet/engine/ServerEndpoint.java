package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.wire.Crc;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.Handshake;
import io.udpnet.wire.StatelessReset;
import io.udpnet.wire.WireFormat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The server side of udpnet as a pure state machine: answers connect requests statelessly, creates a
 * {@link Connection} only for clients that echoed a valid cookie, routes data datagrams to their connection by
 * token, and runs every connection's timers from one deadline heap. Like {@link Connection} it owns no socket,
 * thread or clock: feed it datagrams with their source ({@link #handleDatagram}), drain {@link #pollTransmit} until
 * it returns null, and call it again at {@link #nextDeadline()}.
 *
 * <p>Before a client is validated the endpoint allocates nothing for it and answers a 1200-byte REQUEST with a
 * 44-byte CHALLENGE (or a short REJECT), so spoofed sources can neither fill its memory nor use it to amplify
 * traffic; the answers are also rate-limited. Not thread-safe: one thread drives an endpoint and its connections.
 *
 * <p>Long because the stateless handshake answers and the routing of datagrams to connections share the endpoint's
 * maps and limits; cookies, timers and path validation are classes of their own.
 */
public final class ServerEndpoint {
    /** Answers waiting to be sent: as many as a transport's read rounds bring in before it polls (4 × 64). */
    private static final int REPLY_SLOTS = 256;
    private static final int REPLY_SIZE = 256;

    private final ConnectionConfig config;
    private final ServerEndpointConfig serverConfig;
    private final AdmissionPolicy acceptor;
    private final RandomGenerator random;
    private final byte[] settings;
    private final int digest;
    private final Crc crc = new Crc();
    private final CookieJar cookies;
    private final EndpointStats stats = new EndpointStats();
    private final LongMap<Connection> byToken = new LongMap<>();
    private final AddressMap<Connection> byAddress = new AddressMap<>();
    private final Scheduler scheduler = new Scheduler();
    private final ByteBudget receiveMemory;
    private final byte[] cookie = new byte[Handshake.COOKIE_SIZE];
    private final StatelessReset resets;
    private final ServerLimits limits;
    private final byte[] proof = new byte[StatelessReset.PROOF_SIZE];
    private final ByteBuffer[] replies = new ByteBuffer[REPLY_SLOTS];
    private final InetSocketAddress[] replyTo = new InetSocketAddress[REPLY_SLOTS];
    private int replyHead;
    private int replyCount;
    private LongMap<Boolean> usedNonces = new LongMap<>();
    private LongMap<Boolean> previousNonces = EMPTY_NONCES;
    /** Stands for a window without handshakes; never written to. */
    private static final LongMap<Boolean> EMPTY_NONCES = new LongMap<>();
    private long nonceWindow = Long.MIN_VALUE;
    private long tokenMask;
    private long tokenTag;

    /**
     * A server endpoint with no connection yet: {@code acceptor} decides on each completed handshake, and
     * {@code random} draws its secrets (cookie keys, connection tokens, path challenges).
     */
    public ServerEndpoint(ConnectionConfig config, ServerEndpointConfig serverConfig, AdmissionPolicy acceptor,
                          RandomGenerator random) {
        this(config, serverConfig, acceptor, random, new ServerLimits(serverConfig));
    }

    /**
     * A server endpoint that shares {@code limits} (challenge and reset rates, receive memory) with the other
     * endpoints of its server, each driven by its own thread. {@code limits} must be made from {@code serverConfig}.
     */
    public ServerEndpoint(ConnectionConfig config, ServerEndpointConfig serverConfig, AdmissionPolicy acceptor,
                          RandomGenerator random, ServerLimits limits) {
        this.config = Objects.requireNonNull(config, "config");
        this.serverConfig = Objects.requireNonNull(serverConfig, "serverConfig");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.receiveMemory = new ByteBudget.Leased(limits.receiveMemory);
        this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
        this.random = Objects.requireNonNull(random, "random");
        this.settings = config.sharedSettings();
        this.digest = config.digest();
        this.cookies = new CookieJar(random, serverConfig.cookieWindowNanos(), serverConfig.cookieSecret());
        this.resets = new StatelessReset(serverConfig.resetKey());
        for (int i = 0; i < REPLY_SLOTS; i++) {
            replies[i] = ByteBuffer.allocate(REPLY_SIZE);
        }
    }

    /**
     * Makes every token this endpoint hands out carry {@code tag} in its low {@code bits} bits, the rest staying
     * random. A transport that runs one endpoint per socket uses it to find, from a datagram's token alone, which
     * endpoint owns a connection whose client moved to an address the kernel routes to another socket.
     *
     * @param bits 0..8; 0 (the default) leaves tokens fully random
     * @param tag  0 .. 2^bits - 1
     */
    public void tokenTag(int bits, int tag) {
        if (bits < 0 || bits > 8 || tag < 0 || tag >= 1 << bits) {
            throw new IllegalArgumentException("token tag: bits 0..8 and tag 0..2^bits-1 expected, got bits=" + bits
                    + ", tag=" + tag);
        }
        this.tokenMask = (1L << bits) - 1;
        this.tokenTag = tag;
    }

    /**
     * The tag in the token of a data datagram (see {@link #tokenTag}), read without processing it: lets a transport
     * with several endpoints find the one that owns the datagram's connection.
     *
     * @param datagram position..limit; not consumed
     * @param bits     the number of tag bits the endpoints use, 0..8
     * @return the tag, or -1 when the datagram is not a udpnet data datagram
     */
    public static int tagOf(ByteBuffer datagram, int bits) {
        int at = datagram.position();
        if (datagram.remaining() < DataHeader.OVERHEAD
                || (datagram.get(at + DataHeader.KIND_OFFSET) & 0xFF) != WireFormat.KIND_DATA) {
            return -1;
        }
        return (int) (datagram.getLong(at + DataHeader.TOKEN_OFFSET) & ((1L << bits) - 1));
    }

    /**
     * The token of a data datagram, read without processing it (only call it after {@link #tagOf} found one).
     *
     * @param datagram position..limit, at least the 30 bytes of a data datagram; not consumed
     */
    public static long tokenOf(ByteBuffer datagram) {
        return datagram.getLong(datagram.position() + DataHeader.TOKEN_OFFSET);
    }

    /**
     * The connection a data datagram names by its token, read without processing the datagram.
     *
     * @param datagram position..limit; not consumed
     * @return the connection, or null for another kind of datagram or an unknown token
     */
    public Connection connectionOf(ByteBuffer datagram) {
        int at = datagram.position();
        if (datagram.remaining() < DataHeader.OVERHEAD
                || (datagram.get(at + DataHeader.KIND_OFFSET) & 0xFF) != WireFormat.KIND_DATA) {
            return null;
        }
        return byToken.get(datagram.getLong(at + DataHeader.TOKEN_OFFSET));
    }

    /** Processes a datagram from {@code from} (position..limit; consumed). Never throws for any content. */
    public void handleDatagram(InetSocketAddress from, ByteBuffer datagram, long now) {
        ByteBuffer b = datagram.position() == 0 ? datagram : datagram.slice();
        int length = b.limit();
        if (length < 4 || (b.getShort(0) & 0xFFFF) != (WireFormat.PROTOCOL_ID & 0xFFFF)) {
            datagram.position(datagram.limit());
            stats.foreign++;
            return;
        }
        int kind = b.get(DataHeader.KIND_OFFSET) & 0xFF;
        if (kind == WireFormat.KIND_DATA) {
            routeData(from, datagram, b, length, now);
            return;
        }
        datagram.position(datagram.limit());
        if (replyCount == REPLY_SLOTS) {
            // No room for an answer: drop before any work (CRC, HMAC); the client sends again.
            stats.replyOverflow++;
        } else if (!Handshake.wellFormed(b, length, crc)) {
            stats.malformed++;
        } else if (kind == Handshake.KIND_REQUEST) {
            onRequest(from, b, now);
        } else if (kind == Handshake.KIND_RESPONSE) {
            onResponse(from, b, now);
        } else {
            stats.malformed++;
        }
    }

    private void routeData(InetSocketAddress from, ByteBuffer datagram, ByteBuffer b, int length, long now) {
        Connection c = length >= DataHeader.OVERHEAD ? byToken.get(b.getLong(DataHeader.TOKEN_OFFSET)) : null;
        if (c == null) {
            datagram.position(datagram.limit());
            stats.unknownToken++;
            if (length >= DataHeader.OVERHEAD) {
                reset(from, b, length, now);
            }
            return;
        }
        // The I/O layer usually hands over the very address object of the connection's earlier datagrams: compare
        // the reference first, and the address only when it differs.
        if (from == c.remote || from.equals(c.remote)) {
            c.handleDatagram(datagram, now);
        } else {
            // The token is right but the address is not: the client's NAT may have rebound, or a spoofer copied a
            // datagram. The connection challenges the new address and moves only when the answer comes from there.
            stats.addressMismatch++;
            InetSocketAddress previous = c.remote;
            if (c.handleDatagramFrom(from, datagram, now, random)) {
                moved(c, previous);
            }
        }
        scheduler.wake(c);
    }

    /**
     * Answers a data datagram with an unknown token with a stateless reset (28 bytes, less than any data datagram):
     * its client, if a previous run of this server accepted it, closes at once. Only intact datagrams are answered,
     * within the server-wide rate; nothing is kept.
     */
    private void reset(InetSocketAddress from, ByteBuffer b, int length, long now) {
        if (replyCount == REPLY_SLOTS || !crc.verify(b, length)) {
            return;
        }
        if (!limits.resets.tryTake(now)) {
            stats.resetsLimited++;
            return;
        }
        ByteBuffer r = reply(from);
        if (r != null) {
            r.limit(resets.write(r, b.getLong(DataHeader.TOKEN_OFFSET), proof));
            stats.resets++;
        }
    }

    /** Re-keys a connection that moved from {@code previous} to its validated new address. */
    private void moved(Connection c, InetSocketAddress previous) {
        stats.migrations++;
        if (byAddress.get(previous) == c) {
            byAddress.remove(previous);
        }
        Connection other = byAddress.put(c.remote, c);
        if (other != null && other != c) {
            // The address now belongs to this peer, so the connection that had it is stale (a NAT reused the port).
            other.close(DisconnectCode.REPLACED, "another connection moved to this address");
        }
    }

    /** A REQUEST's version range comes from bytes 4 and 5; byte 2 (the client's highest version) is not read. */
    private void onRequest(InetSocketAddress from, ByteBuffer b, long now) {
        int min = b.get(Handshake.MIN_VERSION_OFFSET) & 0xFF;
        int max = b.get(Handshake.MAX_VERSION_OFFSET) & 0xFF;
        long nonce = Handshake.nonce(b);
        if (!limits.challenges.tryTake(now)) {
            stats.rateLimited++;
            return;
        }
        if (WireFormat.VERSION < min || WireFormat.VERSION > max) {
            reject(from, DisconnectCode.VERSION_MISMATCH, nonce, "this server speaks version " + WireFormat.VERSION);
            return;
        }
        if (b.getInt(Handshake.DIGEST_OFFSET) != digest) {
            reject(from, DisconnectCode.CONFIG_MISMATCH, nonce, ConfigMismatch.ofRequest(settings, b, b.limit()));
            return;
        }
        cookies.issue(from, WireFormat.VERSION, nonce, now, cookie);
        ByteBuffer r = reply(from);
        if (r != null) {
            r.limit(Handshake.writeChallenge(r, WireFormat.VERSION, nonce, cookie, crc));
            stats.challenges++;
        }
    }

    private void onResponse(InetSocketAddress from, ByteBuffer b, long now) {
        long nonce = Handshake.nonce(b);
        if ((b.get(Handshake.VERSION_OFFSET) & 0xFF) != WireFormat.VERSION
                || !cookies.verify(from, WireFormat.VERSION, nonce, b, Handshake.COOKIE_OFFSET, now)) {
            stats.badCookies++;
            return;
        }
        Connection existing = byAddress.get(from);
        if (existing != null && existing.handshakeNonce == nonce) {
            // The client did not get our ACCEPT: say it again, statelessly.
            accept(from, nonce, existing.token());
            return;
        }
        rotateNonces(now);
        if (usedNonces.get(nonce) != null || previousNonces.get(nonce) != null) {
            stats.replayedCookies++;
            return;
        }
        if (b.getInt(Handshake.RESPONSE_DIGEST_OFFSET) != digest) {
            reject(from, DisconnectCode.CONFIG_MISMATCH, nonce,
                    ConfigMismatch.ofDigests(b.getInt(Handshake.RESPONSE_DIGEST_OFFSET), digest));
            return;
        }
        if (byToken.size() >= serverConfig.maxConnections() && existing == null) {
            reject(from, DisconnectCode.SERVER_FULL, nonce, "server has " + byToken.size() + " connections");
            return;
        }
        ByteBuffer payload = b.slice(Handshake.PAYLOAD_OFFSET, b.getShort(Handshake.PAYLOAD_LENGTH_OFFSET) & 0xFFFF);
        Admission admission = acceptor.admit(from, payload);
        usedNonces.put(nonce, Boolean.TRUE);
        if (!admission.accepted()) {
            reject(from, admission.code(), nonce, admission.reason());
            return;
        }
        if (existing != null) {
            // Same address, new handshake: the client restarted. The old connection says goodbye and goes.
            existing.close(DisconnectCode.REPLACED, "the client connected again");
            byAddress.remove(from);
        }
        long token;
        do {
            token = random.nextLong() & ~tokenMask | tokenTag;
        } while (token == 0 || byToken.get(token) != null);
        Connection c = Connection.accepted(config, token, admission.listener(), now, receiveMemory, crc);
        c.scheduler = scheduler;
        c.remote = from;
        c.handshakeNonce = nonce;
        byToken.put(token, c);
        byAddress.put(from, c);
        stats.accepted++;
        accept(from, nonce, token);
        admission.listener().onConnected(c);
        scheduler.wake(c);
    }

    private void accept(InetSocketAddress to, long nonce, long token) {
        ByteBuffer r = reply(to);
        if (r != null) {
            resets.proof(token, proof);
            r.limit(Handshake.writeAccept(r, WireFormat.VERSION, nonce, token, proof, crc));
        }
    }

    private void reject(InetSocketAddress to, DisconnectCode code, long nonce, String text) {
        ByteBuffer r = reply(to);
        if (r != null) {
            r.limit(Handshake.writeReject(r, code.wire(), WireFormat.VERSION, WireFormat.VERSION, nonce,
                    DisconnectReason.utf8(text, Handshake.MAX_REASON_TEXT), crc));
            stats.rejected++;
        }
    }

    /** A free reply slot addressed to {@code to}, or null (counted) when all are waiting to be sent. */
    private ByteBuffer reply(InetSocketAddress to) {
        if (replyCount == REPLY_SLOTS) {
            stats.replyOverflow++;
            return null;
        }
        int slot = (replyHead + replyCount++) % REPLY_SLOTS;
        replyTo[slot] = to;
        return replies[slot].clear();
    }

    /**
     * Nonces of accepted handshakes are remembered for as long as their cookies are valid, to refuse replays. Checked
     * on every handshake and every poll, so that a burst of handshakes is forgotten two windows later even if no
     * other comes; a window's map starts small, so it holds no more room than that window's handshakes needed.
     */
    private void rotateNonces(long now) {
        long window = Math.floorDiv(now, serverConfig.cookieWindowNanos());
        if (window == nonceWindow) {
            return;
        }
        previousNonces = window == nonceWindow + 1 && usedNonces.size() > 0 ? usedNonces : EMPTY_NONCES;
        if (usedNonces.size() > 0) {
            usedNonces = new LongMap<>();
        }
        nonceWindow = window;
    }

    /**
     * Writes the next datagram to send into {@code out} (from index 0; position 0, limit its length) and returns
     * where it goes, or null when nothing is due now. Call until it returns null.
     */
    public InetSocketAddress pollTransmit(ByteBuffer out, long now) {
        rotateNonces(now);
        if (replyCount > 0) {
            ByteBuffer r = replies[replyHead];
            InetSocketAddress to = replyTo[replyHead];
            replyTo[replyHead] = null;
            replyHead = (replyHead + 1) % REPLY_SLOTS;
            replyCount--;
            out.clear();
            out.put(0, r, 0, r.limit());
            out.limit(r.limit());
            return to;
        }
        Connection c;
        while ((c = scheduler.next(now)) != null) {
            InetSocketAddress candidate = c.pollPathChallenge(out, now);
            if (candidate != null) {
                stats.pathChallenges++;
                scheduler.requeue(c);
                return candidate;
            }
            if (c.pollTransmit(out, now) > 0) {
                scheduler.requeue(c);
                return c.remote;
            }
            if (scheduler.settle(c)) {
                forget(c);
            }
        }
        return null;
    }

    /** Removes a closed connection from the routing maps. */
    private void forget(Connection c) {
        if (byToken.get(c.token()) == c) {
            byToken.remove(c.token());
        }
        if (byAddress.get(c.remote) == c) {
            byAddress.remove(c.remote);
        }
    }

    /** When {@link #pollTransmit} must be called next even if nothing arrives; {@link Long#MIN_VALUE} for now. */
    public long nextDeadline() {
        return replyCount > 0 ? Long.MIN_VALUE : scheduler.nextDeadline();
    }

    /** Closes every connection with {@link DisconnectCode#SHUTDOWN}; they say goodbye in the next polls. */
    public void close() {
        List<Connection> all = new ArrayList<>(byAddress.size());
        byAddress.addValuesTo(all);
        for (Connection c : all) {
            c.close(DisconnectCode.SHUTDOWN, "server shutting down");
        }
    }

    /** The connections open now (including those still sending their goodbye), as a copy. */
    public List<Connection> connections() {
        List<Connection> all = new java.util.ArrayList<>(byToken.size());
        byToken.addValuesTo(all);
        return all;
    }

    /** Connections open (including those still sending their goodbye). */
    public int connectionCount() {
        return byToken.size();
    }

    /** The open connection with this token, or null. */
    public Connection connection(long token) {
        return byToken.get(token);
    }

    /** The open connection with this peer address, or null. */
    public Connection connection(InetSocketAddress peer) {
        return byAddress.get(peer);
    }

    /** A snapshot of the endpoint's counters. */
    public EndpointStats stats() {
        stats.receiveMemoryHeld = receiveMemory.used();
        return stats.copy();
    }

    /**
     * Entries in every per-peer structure (connections by token and address, nonces of completed handshakes).
     * Spoofed requests must leave this at 0.
     */
    public int peerStateEntries() {
        return byToken.size() + byAddress.size() + usedNonces.size() + previousNonces.size();
    }
}
