package io.udpnet.engine;

/**
 * The running counters of one connection, bumped on the data path. Kept apart from {@link ConnectionStats}, whose
 * estimates (RTT, window, path MTU) are read from their owners only when a snapshot is taken, so that a connection
 * does not carry a second copy of them.
 */
final class Counters {
    long datagramsSent;
    long datagramsReceived;
    long bytesSent;
    long bytesReceived;
    long messagesSent;
    long messagesDelivered;
    long retransmissions;
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
}
