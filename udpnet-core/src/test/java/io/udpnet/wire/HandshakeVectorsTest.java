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
import java.util.Arrays;
import java.util.zip.CRC32C;

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
                written(Handshake.writeAccept(b, 1, 0x1122334455667788L, 0x0102030405060708L,
                        vector("vector-13-proof"), crc)));
        assertArrayEquals(vector("vector-6"), written(Handshake.writeReject(b, 3, 1, 1, 0x1122334455667788L,
                "full".getBytes(StandardCharsets.UTF_8), crc)));
        for (String name : new String[]{"vector-4", "vector-5", "vector-6"}) {
            byte[] v = vector(name);
            assertTrue(Handshake.wellFormed(ByteBuffer.wrap(v), v.length, crc), name);
            assertEquals(0x1122334455667788L, Handshake.nonce(ByteBuffer.wrap(v)));
        }
    }

    @Test
    void vector11SharedSettingsAndDigestOfTheDefaultConfiguration() throws IOException {
        ConnectionConfig defaults = ConnectionConfig.defaults();
        byte[] settings = vector("vector-11");
        assertArrayEquals(settings, defaults.sharedSettings());
        byte[] digest = vector("vector-11-digest");
        assertArrayEquals(digest, ByteBuffer.allocate(4).putInt(0, defaults.digest()).array());
        // The digest is plain CRC32C of the documented bytes, whoever computes it.
        CRC32C independent = new CRC32C();
        independent.update(settings);
        assertEquals(ByteBuffer.wrap(digest).getInt(), (int) independent.getValue());
    }

    @Test
    void vector12RequestCarriesTheSettingsAndIsPaddedTo1200Bytes() throws IOException {
        int n = Handshake.writeRequest(b, 1, 1, 0x1122334455667788L, ConnectionConfig.defaults().sharedSettings(), crc);
        assertEquals(1200, n);
        byte[] head = vector("vector-12");
        assertArrayEquals(head, Arrays.copyOf(written(n), head.length));
        for (int i = head.length; i < 1196; i++) {
            assertEquals(0, b.get(i), "padding byte " + i);
        }
        assertArrayEquals(vector("vector-12-crc"), Arrays.copyOfRange(written(n), 1196, 1200));
        assertEquals(20, SharedSettings.length(b, Handshake.SETTINGS_OFFSET, n - 4));
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
