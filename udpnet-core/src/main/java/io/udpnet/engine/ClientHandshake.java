package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.wire.Crc;
import io.udpnet.wire.Handshake;
import io.udpnet.wire.WireFormat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client's side of the handshake: REQUEST until a CHALLENGE arrives, then RESPONSE (echoing the cookie, with the
 * application's payload) until ACCEPT or REJECT. Both are resent with exponential back-off; answers that do not
 * carry this attempt's nonce are ignored, so duplicates and strays are harmless.
 */
final class ClientHandshake {
    static final int IGNORED = 0;
    static final int CONTINUE = 1;
    static final int ACCEPTED = 2;
    static final int REJECTED = 3;
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    private final Crc crc = new Crc();
    private final long nonce;
    private final byte[] settings;
    private final int digest;
    private final ByteBuffer payload;
    private final long initialBackoff;
    private final ByteBuffer challenge = ByteBuffer.allocate(Handshake.CHALLENGE_SIZE);
    private boolean challenged;
    private long nextSendAt;
    private long backoff;
    private long token;
    private long resetHigh;
    private long resetLow;
    private DisconnectReason rejection;

    ClientHandshake(ConnectionConfig config, long nonce, ByteBuffer payload, long now) {
        this.nonce = nonce;
        this.settings = config.sharedSettings();
        this.digest = config.digest();
        this.payload = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
        if (this.payload.remaining() > Handshake.MAX_PAYLOAD) {
            throw new IllegalArgumentException("connect payload of " + this.payload.remaining()
                    + " bytes exceeds " + Handshake.MAX_PAYLOAD);
        }
        this.initialBackoff = Math.max(100_000_000L, 2 * config.initialRttNanos());
        this.backoff = initialBackoff;
        this.nextSendAt = now;
    }

    /** Writes the REQUEST or RESPONSE due now into {@code out}; returns its length or 0. */
    int poll(ByteBuffer out, long now) {
        if (now < nextSendAt) {
            return 0;
        }
        out.clear();
        int n = challenged
                ? Handshake.writeResponse(out, WireFormat.VERSION, nonce, challenge, digest, payload, crc)
                : Handshake.writeRequest(out, WireFormat.VERSION, WireFormat.VERSION, nonce, settings, crc);
        out.position(0).limit(n);
        nextSendAt = now + backoff;
        backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        return n;
    }

    long nextDeadline() {
        return nextSendAt;
    }

    /**
     * Handles a control datagram ({@code b[0, length)}); returns IGNORED, CONTINUE, ACCEPTED or REJECTED. A later
     * CHALLENGE (an answer to a resent REQUEST) replaces the cookie that RESPONSEs echo, without sending one sooner:
     * the newest cookie is valid the longest. CHALLENGE and ACCEPT must name the version this client speaks.
     */
    int onControl(ByteBuffer b, int length, long now) {
        if (!Handshake.wellFormed(b, length, crc) || Handshake.nonce(b) != nonce) {
            return IGNORED;
        }
        switch (Handshake.kind(b)) {
            case Handshake.KIND_CHALLENGE -> {
                if ((b.get(Handshake.VERSION_OFFSET) & 0xFF) != WireFormat.VERSION) {
                    return IGNORED;
                }
                challenge.clear();
                challenge.put(0, b, 0, Handshake.CHALLENGE_SIZE);
                if (!challenged) {
                    challenged = true;
                    backoff = initialBackoff;
                    nextSendAt = now;
                }
                return CONTINUE;
            }
            case Handshake.KIND_ACCEPT -> {
                if (!challenged || (b.get(Handshake.VERSION_OFFSET) & 0xFF) != WireFormat.VERSION) {
                    return IGNORED;
                }
                token = b.getLong(Handshake.TOKEN_OFFSET);
                resetHigh = b.getLong(Handshake.RESET_PROOF_OFFSET);
                resetLow = b.getLong(Handshake.RESET_PROOF_OFFSET + 8);
                return ACCEPTED;
            }
            case Handshake.KIND_REJECT -> {
                byte[] text = new byte[b.get(Handshake.TEXT_LENGTH_OFFSET) & 0xFF];
                b.get(Handshake.TEXT_OFFSET, text);
                DisconnectCode code = DisconnectCode.fromWire(b.get(Handshake.REASON_OFFSET) & 0xFF);
                String detail = new String(text, StandardCharsets.UTF_8);
                if (code == DisconnectCode.VERSION_MISMATCH) {
                    detail = detail + " (server speaks versions " + (b.get(Handshake.REJECT_MIN_VERSION_OFFSET) & 0xFF)
                            + ".." + (b.get(Handshake.REJECT_MAX_VERSION_OFFSET) & 0xFF) + ")";
                }
                rejection = new DisconnectReason(code, detail, true);
                return REJECTED;
            }
            default -> {
                return IGNORED;
            }
        }
    }

    long token() {
        return token;
    }

    /** The first 8 bytes of the stateless reset proof the ACCEPT carried. */
    long resetHigh() {
        return resetHigh;
    }

    /** The last 8 bytes of the stateless reset proof the ACCEPT carried. */
    long resetLow() {
        return resetLow;
    }

    DisconnectReason rejection() {
        return rejection;
    }
}
