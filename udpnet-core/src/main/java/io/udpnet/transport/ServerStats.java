package io.udpnet.transport;

import io.udpnet.io.ServerMode;
import java.util.Map;

/**
 * A snapshot of a server's counters. Counters are updated without locking, so a snapshot taken while traffic flows
 * is approximate across fields but each field is exact.
 *
 * @param datagramsIn datagrams received from the network (including dropped ones)
 * @param bytesIn payload bytes received
 * @param datagramsOut datagrams sent, by sessions and by {@link UdpServer#sendTo}
 * @param bytesOut payload bytes sent
 * @param sessionsOpened sessions created since the server opened
 * @param sessionsClosed sessions closed since the server opened
 * @param activeSessions sessions open now
 * @param connectedSockets per-peer connected sockets open now ({@link ServerMode#CONNECTED} only)
 * @param drops dropped datagrams by cause; every cause is present
 */
public record ServerStats(long datagramsIn, long bytesIn, long datagramsOut, long bytesOut, long sessionsOpened,
                          long sessionsClosed, int activeSessions, int connectedSockets, Map<DatagramDropReason, Long> drops) {

    /**
     * Creates a snapshot; the drop map is copied.
     */
    public ServerStats {
        drops = Map.copyOf(drops);
    }

    /**
     * The number of datagrams dropped for one cause.
     *
     * @param cause the cause
     * @return how many were dropped for it
     */
    public long drops(DatagramDropReason cause) {
        return drops.getOrDefault(cause, 0L);
    }

    /**
     * The number of datagrams dropped for any cause.
     *
     * @return the sum over all causes
     */
    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }
}
