package io.udpnet.engine;

/**
 * Counters and estimates of one connection. {@link Connection#stats()} returns a snapshot taken on the thread that
 * drives the connection; a snapshot never changes afterwards, so it can be handed to any other thread.
 */
public final class ConnectionStats {
    long datagramsSent;
    long datagramsReceived;
    long bytesSent;
    long bytesReceived;
    long messagesSent;
    long messagesDelivered;
    long retransmissions;
    long datagramsLost;
    long duplicateDatagrams;
    long tooOldDatagrams;
    long malformedDatagrams;
    long badChecksums;
    long wrongToken;
    long foreignDatagrams;
    long refusedDatagrams;
    long refusedByPeer;
    long staleMessages;
    long reassemblyDrops;
    long duplicatePackets;
    long elicitingSent;
    long smoothedRttNanos;
    long rttVarianceNanos;
    long minRttNanos;
    long congestionWindow;
    long bytesInFlight;
    long pacingRate;
    long spuriousLosses;
    long spuriousProbeTimeouts;
    long pathMtuProbes;
    long pathMtuBlackHoles;
    int datagramSize;

    /** A snapshot holding {@code c}'s counters; the caller fills in the estimates. */
    static ConnectionStats of(Counters c) {
        ConnectionStats s = new ConnectionStats();
        s.datagramsSent = c.datagramsSent;
        s.datagramsReceived = c.datagramsReceived;
        s.bytesSent = c.bytesSent;
        s.bytesReceived = c.bytesReceived;
        s.messagesSent = c.messagesSent;
        s.messagesDelivered = c.messagesDelivered;
        s.retransmissions = c.retransmissions;
        s.duplicateDatagrams = c.duplicateDatagrams;
        s.tooOldDatagrams = c.tooOldDatagrams;
        s.malformedDatagrams = c.malformedDatagrams;
        s.badChecksums = c.badChecksums;
        s.wrongToken = c.wrongToken;
        s.foreignDatagrams = c.foreignDatagrams;
        s.refusedDatagrams = c.refusedDatagrams;
        s.refusedByPeer = c.refusedByPeer;
        s.staleMessages = c.staleMessages;
        s.reassemblyDrops = c.reassemblyDrops;
        s.duplicatePackets = c.duplicatePackets;
        s.elicitingSent = c.elicitingSent;
        return s;
    }

    /** A copy of the current values. */
    public ConnectionStats copy() {
        ConnectionStats c = new ConnectionStats();
        c.datagramsSent = datagramsSent;
        c.datagramsReceived = datagramsReceived;
        c.bytesSent = bytesSent;
        c.bytesReceived = bytesReceived;
        c.messagesSent = messagesSent;
        c.messagesDelivered = messagesDelivered;
        c.retransmissions = retransmissions;
        c.datagramsLost = datagramsLost;
        c.duplicateDatagrams = duplicateDatagrams;
        c.tooOldDatagrams = tooOldDatagrams;
        c.malformedDatagrams = malformedDatagrams;
        c.badChecksums = badChecksums;
        c.wrongToken = wrongToken;
        c.foreignDatagrams = foreignDatagrams;
        c.refusedDatagrams = refusedDatagrams;
        c.refusedByPeer = refusedByPeer;
        c.staleMessages = staleMessages;
        c.reassemblyDrops = reassemblyDrops;
        c.duplicatePackets = duplicatePackets;
        c.elicitingSent = elicitingSent;
        c.smoothedRttNanos = smoothedRttNanos;
        c.rttVarianceNanos = rttVarianceNanos;
        c.minRttNanos = minRttNanos;
        c.congestionWindow = congestionWindow;
        c.bytesInFlight = bytesInFlight;
        c.pacingRate = pacingRate;
        c.spuriousLosses = spuriousLosses;
        c.spuriousProbeTimeouts = spuriousProbeTimeouts;
        c.pathMtuProbes = pathMtuProbes;
        c.pathMtuBlackHoles = pathMtuBlackHoles;
        c.datagramSize = datagramSize;
        return c;
    }

    /** Datagrams sent, acks and retransmissions included. */
    public long datagramsSent() { return datagramsSent; }

    /** Datagrams that passed every check and were processed. */
    public long datagramsReceived() { return datagramsReceived; }

    /** Bytes of the datagrams sent, headers included. */
    public long bytesSent() { return bytesSent; }

    /** Bytes of the datagrams received and processed, headers included. */
    public long bytesReceived() { return bytesReceived; }

    /** Messages accepted by {@code send}. */
    public long messagesSent() { return messagesSent; }

    /** Messages handed to the application. */
    public long messagesDelivered() { return messagesDelivered; }

    /** Reliable packets sent again after their datagram was declared lost. */
    public long retransmissions() { return retransmissions; }

    /** Ack-eliciting datagrams declared lost. */
    public long datagramsLost() { return datagramsLost; }

    /** Dropped: a datagram sequence already processed. */
    public long duplicateDatagrams() { return duplicateDatagrams; }

    /** Dropped: a datagram sequence too far behind the newest to tell whether it is a duplicate. */
    public long tooOldDatagrams() { return tooOldDatagrams; }

    /** Dropped: a datagram whose packets do not parse or contradict the configuration. */
    public long malformedDatagrams() { return malformedDatagrams; }

    /** Dropped: the CRC32C did not match (corruption on the way). */
    public long badChecksums() { return badChecksums; }

    /** Dropped: a well-formed data datagram carrying another connection's token. */
    public long wrongToken() { return wrongToken; }

    /** Dropped: not a udpnet data datagram of this version (stray traffic, too short, other kind). */
    public long foreignDatagrams() { return foreignDatagrams; }

    /** Processed but not acknowledged, because a reliable packet had no room (it will be sent again). */
    public long refusedDatagrams() { return refusedDatagrams; }

    /**
     * Datagrams sent that were not acknowledged because the peer said it had no room (BUSY), not because the path lost
     * them: their messages were sent again, but congestion control did not slow down for them.
     */
    public long refusedByPeer() { return refusedByPeer; }

    /** Sequenced messages dropped because a newer one had already been delivered. */
    public long staleMessages() { return staleMessages; }

    /** Unreliable fragmented messages abandoned incomplete (a fragment lost, or no room). */
    public long reassemblyDrops() { return reassemblyDrops; }

    /** Reliable packets received again (the ack was lost or a retransmission crossed the original). */
    public long duplicatePackets() { return duplicatePackets; }

    /** Datagrams sent that the peer must acknowledge (all but acks and DISCONNECTs). */
    public long ackElicitingSent() { return elicitingSent; }

    /** Fraction of ack-eliciting datagrams declared lost, 0..1 (spurious losses included). */
    public double lossRate() { return elicitingSent == 0 ? 0 : (double) datagramsLost / elicitingSent; }

    /** Smoothed round-trip time, ns (the configured initial RTT before the first sample). */
    public long smoothedRttNanos() { return smoothedRttNanos; }

    /** Round-trip time variance, ns. */
    public long rttVarianceNanos() { return rttVarianceNanos; }

    /** Smallest round-trip time seen, ns (0 before the first sample). */
    public long minRttNanos() { return minRttNanos; }

    /** Congestion window, bytes. */
    public long congestionWindow() { return congestionWindow; }

    /** Bytes of ack-eliciting datagrams in flight. */
    public long bytesInFlight() { return bytesInFlight; }

    /** Pacing rate, bytes per second. */
    public long pacingRate() { return pacingRate; }

    /** Datagrams declared lost and acknowledged later: reordering, not loss (they raise the loss thresholds). */
    public long spuriousLosses() { return spuriousLosses; }

    /**
     * Datagrams a probe time-out declared lost that were acknowledged after all: the ack came late (a busy or
     * descheduled peer, a stalled thread), nothing was lost, and their messages may have been delivered twice to the
     * receiver, which drops the copies. Unlike {@link #spuriousLosses()} they leave the loss thresholds alone.
     */
    public long spuriousProbeTimeouts() { return spuriousProbeTimeouts; }

    /** Path MTU probes sent. */
    public long pathMtuProbes() { return pathMtuProbes; }

    /** Times the path stopped carrying large datagrams and the datagram size fell back to 1200 bytes. */
    public long pathMtuBlackHoles() { return pathMtuBlackHoles; }

    /** The datagram size in use, bytes. */
    public int datagramSize() { return datagramSize; }

    @Override
    public String toString() {
        return "ConnectionStats{sent=" + datagramsSent + " dgrams/" + bytesSent + " B, received=" + datagramsReceived
                + " dgrams/" + bytesReceived + " B, messagesSent=" + messagesSent + ", delivered=" + messagesDelivered
                + ", retransmissions=" + retransmissions + ", lost=" + datagramsLost + ", duplicates="
                + duplicateDatagrams + ", tooOld=" + tooOldDatagrams + ", malformed=" + malformedDatagrams
                + ", badChecksums=" + badChecksums + ", wrongToken=" + wrongToken + ", foreign=" + foreignDatagrams
                + ", refused=" + refusedDatagrams + ", refusedByPeer=" + refusedByPeer + ", stale=" + staleMessages + ", reassemblyDrops="
                + reassemblyDrops + ", srtt=" + smoothedRttNanos / 1000 + " us, cwnd=" + congestionWindow + '}';
    }
}
