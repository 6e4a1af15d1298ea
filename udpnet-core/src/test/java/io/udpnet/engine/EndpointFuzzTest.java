package io.udpnet.engine;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.wire.Crc;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.Handshake;
import io.udpnet.wire.WireFormat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feeds a server endpoint that has one established connection random and mutated datagrams: control datagrams of
 * every kind, and data datagrams given the connection's token and a valid CRC so that they reach the connection.
 * Nothing may throw; the endpoint's per-peer state and the connection's buffers stay bounded; the connection either
 * survives or ends with a reason.
 */
class EndpointFuzzTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 9000);
    private static final ConnectionConfig CONFIG = ConnectionConfig.builder().maxMessageSize(64 * 1024)
            .sendBufferBytes(256 * 1024).receiveBufferBytes(256 * 1024).build();
    private static final Crc CRC = new Crc();
    private static final ByteBuffer OUT = ByteBuffer.allocate(1500);
    private static ServerEndpoint server;
    private static Connection connection;
    private static long token;
    private static long now;
    private static int inputs;

    private static void connect() {
        server = new ServerEndpoint(CONFIG, ServerEndpointConfig.defaults(),
                (from, payload) -> Admission.accept((channel, buffer, offset, length) -> { }), new SplittableRandom(1));
        Connection client = Connection.connect(CONFIG, ByteBuffer.allocate(0), (c, b, o, l) -> { },
                new SplittableRandom(2), now);
        for (int i = 0; i < 4 && client.state() == Connection.State.CONNECTING; i++) {
            if (client.pollTransmit(OUT, now) > 0) {
                server.handleDatagram(CLIENT, OUT, now);
            }
            while (server.pollTransmit(OUT, now) != null) {
                client.handleDatagram(OUT, now);
            }
        }
        connection = server.connection(CLIENT);
        assertNotNull(connection, "the fuzz fixture must connect");
        token = connection.token();
    }

    @FuzzTest(maxDuration = "30s")
    void endpointSurvivesAnything(FuzzedDataProvider data) {
        if (server == null || ++inputs % 5_000 == 0 || server.connection(CLIENT) == null) {
            connect();
        }
        now += data.consumeLong(0, 20_000_000L);
        int mode = data.consumeInt(0, 2);
        byte[] bytes = data.consumeRemainingAsBytes();
        ByteBuffer b = ByteBuffer.allocate(Math.max(bytes.length, Handshake.PADDED_SIZE));
        b.put(0, bytes).limit(bytes.length);
        if (mode == 1 && bytes.length >= DataHeader.OVERHEAD) {
            DataHeader.write(b, token, b.getShort(DataHeader.SEQUENCE_OFFSET), b.getShort(DataHeader.ACK_OFFSET),
                    b.getLong(DataHeader.ACK_BITS_OFFSET), b.getShort(DataHeader.ACK_DELAY_OFFSET));
            CRC.seal(b, bytes.length);
        } else if (mode == 2 && bytes.length >= 8) {
            b.putShort(0, WireFormat.PROTOCOL_ID);
            b.put(2, WireFormat.VERSION);
            b.put(3, (byte) (Handshake.KIND_REQUEST + Math.floorMod(b.get(3), 5)));
            CRC.seal(b, bytes.length);
        }
        server.handleDatagram(CLIENT, b, now);
        while (server.pollTransmit(OUT, now) != null) {
            assertTrue(OUT.limit() <= CONFIG.maxDatagramSize());
        }
        assertTrue(server.nextDeadline() > now, "a drained endpoint must not ask to be polled again at once");
        assertTrue(server.peerStateEntries() <= 4, "one client holds at most a connection and two nonce entries");
        Connection c = server.connection(CLIENT);
        if (c != null) {
            assertTrue(c.receiveBufferedBytes() <= CONFIG.receiveBufferBytes() + 4L * CONFIG.maxMessageSize());
        } else {
            assertNotNull(connection.disconnectReason(), "a connection that ended has a reason");
        }
    }
}
