package io.udpnet.messaging;

import io.udpnet.engine.EndpointStats;
import io.udpnet.io.IoStats;

import java.util.List;

/**
 * Counters of a {@link MessageServer}.
 *
 * @param connections  connections open at the snapshot
 * @param inboxBytes   bytes of messages waiting in the connections' inboxes at the snapshot
 * @param accepted     connections established since the server opened
 * @param closed       connections ended since the server opened
 * @param inboxDrops   datagrams whose messages were refused because their connection's inbox was full (the peer
 *                     sends them again; the rest of each datagram, such as acks, was processed)
 * @param forwarded    datagrams handed to the shard owning their connection (SHARDED, after a client moved)
 * @param forwardDrops datagrams dropped because too many waited to be forwarded
 * @param unreachable  ICMP errors that named a connection's peer unreachable; each ends its connection unless the
 *                     client is heard from again within two probe time-outs
 * @param sockets      the counters of the server's sockets: datagrams and bytes each way, send-buffer drops, oversize
 *                     datagrams, kernel drops where counted, and which I/O implementation runs them
 * @param endpoints    each I/O thread's handshake and routing counters, and the receive memory its connections hold
 */
public record MessageServerStats(int connections, long inboxBytes, long accepted, long closed, long inboxDrops,
                                 long forwarded, long forwardDrops, long unreachable, IoStats sockets,
                                 List<EndpointStats> endpoints) {

    /** @return datagrams dropped because a socket's send buffer was full ({@link IoStats#sendDrops()}) */
    public long sendDrops() {
        return sockets.sendDrops();
    }
}
