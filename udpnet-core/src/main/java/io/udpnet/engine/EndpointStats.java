package io.udpnet.engine;

/** Counters of a {@link ServerEndpoint}: handshakes and datagrams that reached no connection. */
public final class EndpointStats {
    long challenges;
    long accepted;
    long rejected;
    long badCookies;
    long replayedCookies;
    long rateLimited;
    long replyOverflow;
    long malformed;
    long foreign;
    long unknownToken;
    long addressMismatch;
    long pathChallenges;
    long migrations;
    long resets;
    long resetsLimited;
    long receiveMemoryHeld;

    EndpointStats copy() {
        EndpointStats c = new EndpointStats();
        c.challenges = challenges;
        c.accepted = accepted;
        c.rejected = rejected;
        c.badCookies = badCookies;
        c.replayedCookies = replayedCookies;
        c.rateLimited = rateLimited;
        c.replyOverflow = replyOverflow;
        c.malformed = malformed;
        c.foreign = foreign;
        c.unknownToken = unknownToken;
        c.addressMismatch = addressMismatch;
        c.pathChallenges = pathChallenges;
        c.migrations = migrations;
        c.resets = resets;
        c.resetsLimited = resetsLimited;
        c.receiveMemoryHeld = receiveMemoryHeld;
        return c;
    }

    /** CHALLENGE datagrams sent in answer to REQUESTs. */
    public long challenges() { return challenges; }

    /** Connections created. */
    public long accepted() { return accepted; }

    /** REJECT datagrams sent (version or configuration mismatch, server full, refused by the application). */
    public long rejected() { return rejected; }

    /** RESPONSEs dropped: the cookie was forged, expired or issued to another address. */
    public long badCookies() { return badCookies; }

    /** RESPONSEs dropped: a handshake already completed with that nonce (a replay). */
    public long replayedCookies() { return replayedCookies; }

    /** REQUESTs left unanswered because the challenge rate limit was reached. */
    public long rateLimited() { return rateLimited; }

    /** Answers dropped because too many were waiting to be sent. */
    public long replyOverflow() { return replyOverflow; }

    /** Control datagrams with a bad length, CRC or kind. */
    public long malformed() { return malformed; }

    /** Datagrams that are not udpnet at all. */
    public long foreign() { return foreign; }

    /** Data datagrams whose token matches no connection. */
    public long unknownToken() { return unknownToken; }

    /**
     * Data datagrams with a known token from another address than the connection's. They are processed, but
     * the connection moves to that address only after a PATH_CHALLENGE there is answered.
     */
    public long addressMismatch() { return addressMismatch; }

    /** PATH_CHALLENGE datagrams sent to addresses being validated. */
    public long pathChallenges() { return pathChallenges; }

    /** Connections that moved to a new, validated peer address. */
    public long migrations() { return migrations; }

    /** Stateless resets sent in answer to intact data datagrams with an unknown token. */
    public long resets() { return resets; }

    /** Data datagrams with an unknown token left unanswered because the reset rate limit was reached. */
    public long resetsLimited() { return resetsLimited; }

    /**
     * Bytes of out-of-order and partial messages the endpoint's connections held at the snapshot, with the
     * reassembly buffers they keep for reuse until they go idle (a level, not a count; see
     * {@link io.udpnet.ServerEndpointConfig#receiveMemoryBytes()}).
     */
    public long receiveMemoryHeld() { return receiveMemoryHeld; }

    @Override
    public String toString() {
        return "EndpointStats{challenges=" + challenges + ", accepted=" + accepted + ", rejected=" + rejected
                + ", badCookies=" + badCookies + ", replayed=" + replayedCookies + ", rateLimited=" + rateLimited
                + ", replyOverflow=" + replyOverflow + ", malformed=" + malformed + ", foreign=" + foreign
                + ", unknownToken=" + unknownToken + ", addressMismatch=" + addressMismatch
                + ", pathChallenges=" + pathChallenges + ", migrations=" + migrations + ", resets=" + resets
                + ", resetsLimited=" + resetsLimited
                + ", receiveMemoryHeld=" + receiveMemoryHeld + '}';
    }
}
