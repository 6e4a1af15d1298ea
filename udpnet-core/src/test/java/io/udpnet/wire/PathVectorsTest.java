package io.udpnet.wire;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.Connection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;

import static io.udpnet.wire.ProtocolVectorsTest.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PATH_CHALLENGE and PATH_RESPONSE vectors of docs/PROTOCOL.md, section 9. */
class PathVectorsTest {
    private static final long TOKEN = 0x0102030405060708L;
    private static final long DATA = 0x1122334455667788L;
    private final Crc crc = new Crc();

    private byte[] encode(int seq, int ack, int type) {
        ByteBuffer b = ByteBuffer.allocate(64);
        DataHeader.write(b, TOKEN, seq, ack, 0, 0);
        PacketHeader.writePath(b, DataHeader.LENGTH, type, DATA);
        int n = DataHeader.OVERHEAD + PacketHeader.PATH_SIZE;
        crc.seal(b, n);
        byte[] a = new byte[n];
        b.get(0, a);
        return a;
    }

    @Test
    void bothPacketTypesEncodeAsDocumented() throws IOException {
        assertArrayEquals(vector("vector-8"), encode(10, 9, PacketHeader.TYPE_PATH_CHALLENGE));
        assertArrayEquals(vector("vector-9"), encode(3, 10, PacketHeader.TYPE_PATH_RESPONSE));
        ByteBuffer d = ByteBuffer.wrap(vector("vector-8"));
        assertEquals(0x22, PacketHeader.type(d, DataHeader.LENGTH));
        assertEquals(DATA, PacketHeader.pathData(d, DataHeader.LENGTH));
        assertTrue(crc.verify(d, d.limit()));
    }

    @Test
    void aConnectionAnswersVector8WithItsDataEchoed() throws IOException {
        Connection c = Connection.established(ConnectionConfig.defaults(), TOKEN, (ch, buf, off, len) -> { });
        c.handleDatagram(ByteBuffer.wrap(vector("vector-8")), 0);
        assertEquals(1, c.stats().datagramsReceived(), "vector-8 is a valid datagram");
        ByteBuffer out = ByteBuffer.allocate(1500);
        int n = c.pollTransmit(out, 0);
        assertEquals(DataHeader.OVERHEAD + PacketHeader.PATH_SIZE, n, "the answer goes at once, alone");
        assertEquals(PacketHeader.TYPE_PATH_RESPONSE, PacketHeader.type(out, DataHeader.LENGTH));
        assertEquals(DATA, PacketHeader.pathData(out, DataHeader.LENGTH));
        assertEquals(10, DataHeader.ack(out));
        // vector-9 is the same answer sent as sequence 3: it differs only there and in the CRC.
        byte[] v9 = vector("vector-9");
        byte[] got = new byte[n];
        out.get(0, got);
        got[DataHeader.SEQUENCE_OFFSET + 1] = 3;
        crc.seal(ByteBuffer.wrap(got), n);
        assertArrayEquals(v9, got);
        assertEquals(0, c.pollTransmit(out, 0), "answered once");
    }
}
