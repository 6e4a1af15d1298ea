package io.udpnet.cli;

import io.udpnet.dtls.DtlsStats;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerStats;
import io.udpnet.transport.DatagramDropReason;
import io.udpnet.transport.ServerStats;
import io.udpnet.transport.UdpServer;

/**
 * What {@code udpnet server} prints when it stops: one line of the server's counters, or with {@code --json} one
 * JSON object holding the settings and every counter. Read while the server still runs: a closed message server no
 * longer answers for its counters.
 */
final class ServerSummary {
    private ServerSummary() {
    }

    /**
     * The summary of a raw (datagram echo) server.
     *
     * @param settings the command's settings, completed here with the largest datagram
     * @param limit    how the line names the datagram limit
     */
    static String raw(UdpServer u, Json settings, double seconds, String limit, boolean json) {
        ServerStats s = u.stats();
        Json summary = new Json().put("command", "server")
                .put("settings", settings.put("maxDatagramBytes", u.config().maxDatagramSize()))
                .put("address", Addresses.text(u.localAddress())).put("runSeconds", seconds)
                .put("io", u.socketStats().io())
                .put("receiveBufferBytes", u.grantedReceiveBufferSize())
                .put("datagramsDroppedBySockets", u.socketStats().socketDrops())
                .put("sessionsOpened", s.sessionsOpened())
                .put("datagramsReceived", s.datagramsIn()).put("bytesReceived", s.bytesIn())
                .put("datagramsSent", s.datagramsOut()).put("bytesSent", s.bytesOut())
                .put("datagramsDropped", s.totalDrops())
                .put("datagramsDroppedOversize", s.drops(DatagramDropReason.OVERSIZE))
                .put("datagramsDroppedQueueFull", s.drops(DatagramDropReason.QUEUE_FULL))
                .put("datagramsDroppedOther", s.totalDrops() - s.drops(DatagramDropReason.OVERSIZE)
                        - s.drops(DatagramDropReason.QUEUE_FULL));
        if (u.dtlsStats().isPresent()) {
            DtlsStats d = u.dtlsStats().get();
            summary.put("handshakesCompleted", d.handshakesCompleted())
                    .put("handshakesFailed", d.handshakesFailed())
                    .put("handshakesRefused", d.handshakesRefused())
                    .put("helloVerifyRequestsSent", d.helloVerifyRequestsSent())
                    .put("helloVerifyRateLimited", d.helloVerifyRateLimited())
                    .put("hellosRejected", d.hellosRejected())
                    .put("recordsInvalid", d.invalidRecords());
        }
        if (json) {
            return summary.toString();
        }
        return String.format("server stopped after %.1f s: %d sessions, %d datagrams received (%d B), %d sent "
                        + "(%d B); %d dropped, %d of them over %s", seconds, s.sessionsOpened(), s.datagramsIn(),
                s.bytesIn(), s.datagramsOut(), s.bytesOut(), s.totalDrops(), s.drops(DatagramDropReason.OVERSIZE),
                limit);
    }

    /** The summary of a chat server on udpnet connections. */
    static String messages(MessageServer m, Json settings, double seconds, boolean json) {
        MessageServerStats s = m.stats();
        Json summary = new Json().put("command", "server").put("settings", settings)
                .put("address", Addresses.text(m.localAddress()))
                .put("runSeconds", seconds)
                .put("connectionsAccepted", s.accepted()).put("connectionsClosed", s.closed())
                .put("connectionsOpenAtStop", s.connections())
                .put("io", s.sockets().io())
                .put("datagramsDroppedOversize", s.sockets().oversize())
                .put("datagramsDroppedInboxFull", s.inboxDrops())
                .put("datagramsDroppedSendBufferFull", s.sendDrops())
                .put("datagramsDroppedForwarding", s.forwardDrops())
                .put("datagramsDroppedBySockets", s.sockets().socketDrops())
                .put("sendErrors", s.sockets().sendErrors()).put("receiveErrors", s.sockets().receiveErrors());
        if (m.dtlsStats() != null) {
            DtlsStats d = m.dtlsStats();
            summary.put("handshakesCompleted", d.handshakesCompleted())
                    .put("handshakesFailed", d.handshakesFailed())
                    .put("helloVerifyRequestsSent", d.helloVerifyRequestsSent())
                    .put("hellosRejected", d.hellosRejected())
                    .put("recordsInvalid", d.invalidRecords());
        }
        if (json) {
            return summary.toString();
        }
        return String.format("server stopped after %.1f s: %d connections accepted, %d closed before the stop, "
                        + "%d closed by it; datagrams dropped: %d oversize, %d with a full inbox, %d with a full "
                        + "send buffer", seconds, s.accepted(), s.closed(), s.connections(), s.sockets().oversize(),
                s.inboxDrops(), s.sendDrops());
    }
}
