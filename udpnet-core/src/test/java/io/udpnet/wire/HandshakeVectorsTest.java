package io.udpnet.wire;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.Connection;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.DisconnectReason;
import io.udpnet.engine.ConnectionListener;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static io.udpnet.wire.ProtocolVectorsTest.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Control-datagram and DISCONNECT vectors of docs/PROTOCOL.md, section 9. */
class HandshakeVectorsTest {
    private final Crc crc = new Crc();
    private final ByteBuffer b = ByteBuffer.allocate(1500);

    private byte[] written(int n) {
        byte[] a = new byte[n];
        b.get(0, a);
        return a;
    }

    @Test
    void challengeAcceptAndReject() throws IOException {
        byte[] cookie = new byte[Handshake.COOKIE_SIZE];
        for (int i = 0; i < cookie.length; i++) {
            cookie[i] = (byte) (0xA0 + i);
        }
        assertArrayEquals(vector("vector-4"), written(Handshake.writeChallenge(b, 1, 0x1122334455667788L, cookie, crc)));
        assertArrayEquals(vector("vector-5"),
                written(Handshake.writeAccept(b, 1, 0x1122334455667788L, 0x0102030405060708L, crc)));
        assertArrayEquals(vector("vector-6"), written(Handshake.writeReject(b, 3, 1, 1, 0x1122334455667788L,
                "full".getBytes(StandardCharsets.UTF_8), crc)));
        for (String name : new String[]{"vector-4", "vector-5", "vector-6"}) {
            byte[] v = vector(name);
            assertTrue(Handshake.wellFormed(ByteBuffer.wrap(v), v.length, crc), name);
            assertEquals(0x1122334455667788L, Handshake.nonce(ByteBuffer.wrap(v)));
        }
    }

    @Test
    void requestIsPaddedTo1200BytesWithTheDocumentedChecksum() {
        int n = Handshake.writeRequest(b, 1, 1, 0x1122334455667788L, 0x0A0B0C0D, crc);
        assertEquals(1200, n);
        assertEquals(0x384e6623, b.getInt(1196));
        assertTrue(Handshake.wellFormed(b, n, crc));
        assertTrue(!Handshake.wellFormed(b, n - 1, crc), "a REQUEST must be exactly 1200 bytes");
    }

    @Test
    void vector7DisconnectEndsAnEstablishedConnection() throws IOException {
        DisconnectReason[] got = new DisconnectReason[1];
        Connection c = Connection.established(ConnectionConfig.defaults(), 0x0102030405060708L,
                new ConnectionListener() {
                    @Override
                    public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
                    }

                    @Override
                    public void onDisconnected(Connection connection, DisconnectReason reason) {
                        got[0] = reason;
                    }
                });
        c.handleDatagram(ByteBuffer.wrap(vector("vector-7")), 0);
        assertEquals(Connection.State.CLOSED, c.state());
        assertEquals(new DisconnectReason(DisconnectCode.APPLICATION, "bye", true), got[0]);
    }
}
