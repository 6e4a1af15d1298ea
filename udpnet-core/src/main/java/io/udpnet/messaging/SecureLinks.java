package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.dtls.DtlsClient;
import io.udpnet.dtls.DtlsClientConfig;
import io.udpnet.engine.ClientEndpoint;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.io.Transmitter;
import io.udpnet.io.UdpSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The DTLS associations of a secure {@link ClientDriver}'s connections, one {@link SecureLink} each. I/O thread. */
final class SecureLinks {
    private final DtlsClientConfig dtls;
    private final ConnectionConfig config;
    private final ClientEndpoint endpoint;
    private final Transmitter out;
    private final Map<ConnectionDriver, SecureLink> links = new HashMap<>();

    SecureLinks(DtlsClientConfig dtls, ConnectionConfig config, ClientEndpoint endpoint, Transmitter out) {
        this.dtls = dtls;
        this.config = config;
        this.endpoint = endpoint;
        this.out = out;
    }

    /** Starts {@code c}'s DTLS handshake with {@code server} through {@code socket}. */
    void start(ConnectionDriver c, InetSocketAddress server, UdpSocket socket) {
        long now = System.nanoTime();
        // The DTLS handshake gives up just before the connect time-out, so that a server that never answers it
        // (a plain one) fails the connect with a reason that names DTLS.
        long handshake = Math.min(dtls.handshakeTimeout().toNanos(),
                config.connectTimeoutNanos() - config.connectTimeoutNanos() / 16);
        try {
            SecureLink link = new SecureLink(DtlsClient.association(server, dtls, SecureSizing.enginePacketSize(config),
                    handshake, now), c, endpoint, out, socket, config.maxDatagramSize());
            links.put(c, link);
            link.start(now);
        } catch (IOException | RuntimeException e) {
            c.engine().abort(DisconnectCode.PROTOCOL_VIOLATION, "DTLS: " + e.getMessage());
        }
    }

    /** @return {@code c}'s association, or null */
    SecureLink get(ConnectionDriver c) {
        return links.get(c);
    }

    /** {@code c} ended: close_notify after its last datagrams (already sealed and queued). */
    void closed(ConnectionDriver c) {
        SecureLink link = links.remove(c);
        if (link != null) {
            link.close();
        }
    }

    /** Sends close_notify on every association. */
    void closeAll() {
        links.values().forEach(SecureLink::close);
        links.clear();
    }

    /**
     * Handshake retransmissions and time-outs.
     *
     * @param current told which connection a send error concerns
     * @return the next deadline
     */
    long timers(long now, java.util.function.Consumer<ConnectionDriver> current) {
        long next = Long.MAX_VALUE;
        List<ConnectionDriver> due = null;
        for (Map.Entry<ConnectionDriver, SecureLink> e : links.entrySet()) {
            long d = e.getValue().deadline();
            if (d <= now) {
                if (due == null) {
                    due = new ArrayList<>();
                }
                due.add(e.getKey());
            } else {
                next = Math.min(next, d);
            }
        }
        if (due != null) {
            // A timer may end a connection, which removes its link: the map is not walked meanwhile.
            for (ConnectionDriver c : due) {
                SecureLink link = links.get(c);
                if (link != null) {
                    current.accept(c);
                    link.timer(now);
                    next = Math.min(next, link.deadline());
                }
            }
        }
        return next;
    }
}
