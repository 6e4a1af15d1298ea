package io.udpnet.dtls;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two {@link DtlsPeer}s and the stateless cookie, wired by hand in memory: no socket, no thread, virtual time. */
class DtlsSansIoTest {

    @Test
    void handshakeThroughTheUdpnetCookieAndTheJdkCookie() throws Exception {
        DtlsPair pair = new DtlsPair().handshake();
        assertTrue(pair.established(), "client " + pair.client.state() + ", server "
                + (pair.serverPeer == null ? null : pair.serverPeer.state()));
        // udpnet's HelloVerifyRequest only: the engine's second one travelled as ordinary handshake output.
        assertEquals(1, pair.helloVerifyRequests);
        assertEquals(0, pair.client.invalidRecords());
        assertEquals(0, pair.serverPeer.invalidRecords());
        assertTrue(pair.client.send(ByteBuffer.wrap("ping".getBytes()), pair.toServer));
        pair.serverPeer.receive(ByteBuffer.wrap(pair.toServer.wire.poll()), 0, pair.toClient);
        assertEquals(List.of("ping"), pair.toClient.plain);
    }

    @Test
    void forgedRecordsAreDroppedAndCountedWithoutEndingTheAssociation() throws Exception {
        DtlsPair pair = new DtlsPair().handshake();
        DtlsPeer server = pair.serverPeer;
        // Larger than the engine takes (the JDK would throw), a plausible one with a bad MAC, a cut header.
        for (int length : new int[] {1400, 60, 5}) {
            byte[] d = new byte[length];
            d[0] = 23;
            d[1] = (byte) 0xfe;
            d[2] = (byte) 0xfd;
            if (length >= 13) {
                d[4] = 1;
                d[11] = (byte) ((length - 13) >> 8);
                d[12] = (byte) (length - 13);
            }
            server.receive(ByteBuffer.wrap(d), 0, pair.toClient);
        }
        assertEquals(DtlsPeer.State.ESTABLISHED, server.state());
        assertEquals(3, server.invalidRecords());
        assertTrue(pair.toClient.plain.isEmpty());
        assertTrue(pair.client.send(ByteBuffer.wrap("still here".getBytes()), pair.toServer));
        server.receive(ByteBuffer.wrap(pair.toServer.wire.poll()), 0, pair.toClient);
        assertEquals(List.of("still here"), pair.toClient.plain);
    }

    @Test
    void aHelloVerifyRequestProvokedByASpoofedHelloLeavesAnEstablishedClientAlone() throws Exception {
        DtlsPair pair = new DtlsPair().handshake();
        // What the server answers to a cookieless hello sent with the client's address by someone else.
        ClientHello h = new ClientHello();
        assertTrue(h.parse(ByteBuffer.wrap(DtlsHostilePeerTest.clientHello())));
        ByteBuffer hvr = ByteBuffer.allocate(HelloCookies.helloVerifyRequestBytes());
        pair.server.cookies().writeHelloVerifyRequest(new java.net.InetSocketAddress("127.0.0.1", 40000), h, 0, hvr);
        pair.client.receive(hvr.flip(), 0, pair.toServer);
        assertEquals(DtlsPeer.State.ESTABLISHED, pair.client.state(), String.valueOf(pair.client.failure()));
        pair.toServer.wire.clear();
        assertTrue(pair.client.send(ByteBuffer.wrap("on".getBytes()), pair.toServer));
        pair.serverPeer.receive(ByteBuffer.wrap(pair.toServer.wire.poll()), 0, pair.toClient);
        assertEquals(List.of("on"), pair.toClient.plain);
    }

    @Test
    void aRetransmissionIsDueAfterTheTimeOutAndBacksOff() throws Exception {
        DtlsPair pair = new DtlsPair();
        pair.client.start(0, pair.toServer);
        assertEquals(1, pair.toServer.wire.size());
        assertEquals(1_000_000_000L, pair.client.deadline());
        pair.client.onTimer(999_999_999L, pair.toServer);
        assertEquals(1, pair.toServer.wire.size(), "not yet due");
        pair.client.onTimer(1_000_000_000L, pair.toServer);
        assertEquals(1, pair.client.retransmissions());
        assertEquals(3_000_000_000L, pair.client.deadline(), "the time-out doubled");
        // Past the handshake time-out the association ends.
        pair.client.onTimer(21_000_000_000L, pair.toServer);
        assertEquals(DtlsPeer.State.CLOSED, pair.client.state());
        assertEquals(DtlsPeer.CloseCause.HANDSHAKE_TIMEOUT, pair.client.closeCause());
    }
}
