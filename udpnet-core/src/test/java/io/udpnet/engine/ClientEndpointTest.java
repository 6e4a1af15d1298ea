package io.udpnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Many client connections driven by one ClientEndpoint against a ServerEndpoint, on a virtual clock. */
class ClientEndpointTest {
    private static final long MS = 1_000_000L;

    private final ConnectionConfig config = ConnectionConfig.defaults();
    private final List<String> delivered = new ArrayList<>();
    private final ServerEndpoint server = new ServerEndpoint(config, ServerEndpointConfig.defaults(),
            (client, payload) -> Admission.accept((channel, buffer, offset, length) ->
                    delivered.add(client.getPort() + ":" + buffer.get(offset))), new SplittableRandom(1));
    private final ClientEndpoint clients = new ClientEndpoint(new SplittableRandom(2));
    private final Map<Connection, InetSocketAddress> addresses = new HashMap<>();
    private final Map<InetSocketAddress, Connection> byAddress = new HashMap<>();
    private final ByteBuffer out = ByteBuffer.allocate(config.maxDatagramSize());
    private long now = 1_000 * MS;

    private Connection connect(int port) {
        Connection c = clients.connect(config, ByteBuffer.allocate(0), new ConnectionListener() {
            @Override
            public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
            }
        }, now);
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", port);
        addresses.put(c, a);
        byAddress.put(a, c);
        return c;
    }

    /** Moves every datagram both ways until neither side has anything to send now. */
    private void exchange() {
        for (int round = 0; round < 1000; round++) {
            boolean moved = false;
            Connection c;
            while ((c = clients.pollTransmit(out, now)) != null) {
                server.handleDatagram(addresses.get(c), out, now);
                moved = true;
            }
            InetSocketAddress to;
            while ((to = server.pollTransmit(out, now)) != null) {
                Connection target = byAddress.get(to);
                if (target != null) {
                    clients.handleDatagram(target, out, now);
                }
                moved = true;
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the endpoints never went quiet");
    }

    @Test
    void connectionsHandshakeSendAndCloseIndependently() {
        List<Connection> cs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            cs.add(connect(10_000 + i));
        }
        assertEquals(50, clients.connectionCount());
        exchange();
        for (Connection c : cs) {
            assertEquals(Connection.State.CONNECTED, c.state());
        }
        assertEquals(50, server.connectionCount());
        for (int i = 0; i < cs.size(); i++) {
            assertTrue(cs.get(i).send(0, ByteBuffer.wrap(new byte[] {(byte) i})));
        }
        exchange();
        assertEquals(50, delivered.size());
        assertTrue(delivered.contains("10007:7"));
        // Half close; the closed ones are forgotten exactly once, even when datagrams still come for them.
        for (int i = 0; i < 25; i++) {
            cs.get(i).close("bye");
        }
        exchange();
        assertEquals(25, clients.connectionCount());
        assertEquals(25, server.connectionCount());
        clients.handleDatagram(cs.get(0), ByteBuffer.allocate(40), now);
        exchange();
        assertEquals(25, clients.connectionCount());
        // The open ones keep their timers: a deadline exists, and after the idle time-out without the server
        // everything is gone.
        assertTrue(clients.nextDeadline() > now && clients.nextDeadline() != Long.MAX_VALUE);
        while (clients.connectionCount() > 0) {
            now = Math.max(now + MS, clients.nextDeadline());
            while (clients.pollTransmit(out, now) != null) {
                // the server is gone: drop everything
            }
        }
        assertEquals(Long.MAX_VALUE, clients.nextDeadline());
        for (int i = 25; i < 50; i++) {
            assertEquals(DisconnectCode.TIMED_OUT, cs.get(i).disconnectReason().code());
        }
    }

    @Test
    void anUnreachableReportEndsTheConnectionUnlessThePeerIsHeardFromAgain() {
        Connection alive = connect(30_000);
        Connection dead = connect(30_001);
        exchange();
        long reported = now;
        alive.peerUnreachable(now);
        dead.peerUnreachable(now);
        byAddress.remove(addresses.get(dead));   // nothing reaches the dead one any more
        alive.send(0, ByteBuffer.wrap(new byte[] {1}));
        exchange();                               // the alive one hears the server's ack
        long idle = config.idleTimeoutNanos();
        while (dead.state() != Connection.State.CLOSED) {
            now = Math.max(now + MS, clients.nextDeadline());
            Connection c;
            while ((c = clients.pollTransmit(out, now)) != null) {
                if (c == alive) {
                    server.handleDatagram(addresses.get(c), out, now);
                }
            }
            InetSocketAddress to;
            while ((to = server.pollTransmit(out, now)) != null) {
                Connection target = byAddress.get(to);
                if (target != null) {
                    clients.handleDatagram(target, out, now);
                }
            }
        }
        assertEquals(DisconnectCode.UNREACHABLE, dead.disconnectReason().code());
        assertTrue(now - reported < idle / 2, "ended long before the idle time-out");
        assertEquals(Connection.State.CONNECTED, alive.state());
    }

    @Test
    void anUnreachableReportWhileConnectingEndsAtOnce() {
        Connection c = connect(30_002);
        c.peerUnreachable(now);
        assertEquals(DisconnectCode.UNREACHABLE, c.disconnectReason().code());
    }

    @Test
    void abortEndsAConnectionAtOnceWithoutAGoodbye() {
        Connection c = connect(20_000);
        exchange();
        c.abort(DisconnectCode.UNREACHABLE, "port unreachable");
        assertEquals(Connection.State.CLOSED, c.state());
        assertEquals(DisconnectCode.UNREACHABLE, c.disconnectReason().code());
        assertEquals(null, clients.pollTransmit(out, now), "nothing is sent after an abort");
        assertEquals(0, clients.connectionCount());
    }
}
