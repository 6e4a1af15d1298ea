package io.udpnet.wire;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.Connection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test vectors of docs/PROTOCOL.md, read from the document itself so that it cannot drift from the code. */
class ProtocolVectorsTest {

    static byte[] vector(String name) throws IOException {
        Path doc = Path.of("..", "docs", "PROTOCOL.md");
        String text = Files.readString(doc);
        Matcher m = Pattern.compile("```" + Pattern.quote(name) + "\\n([0-9a-f \\n]+)```").matcher(text);
        assertTrue(m.find(), name + " not found in " + doc.toAbsolutePath());
        return HexFormat.of().parseHex(m.group(1).replaceAll("\\s+", ""));
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] a = new byte[n];
        b.get(0, a);
        return a;
    }

    @Test
    void vector1WholeMessage() throws IOException {
        byte[] v = vector("vector-1");
        ByteBuffer b = ByteBuffer.allocate(64);
        DataHeader.write(b, 0x0102030405060708L, 0, 0, 0, WireFormat.ACK_DELAY_NONE);
        PacketHeader.writeMessage(b, DataHeader.LENGTH, 0, 0, 2);
        b.put(DataHeader.LENGTH + PacketHeader.MESSAGE_HEADER, "hi".getBytes(StandardCharsets.US_ASCII));
        new Crc().seal(b, v.length);
        assertArrayEquals(v, bytes(b, v.length));

        ByteBuffer d = ByteBuffer.wrap(v);
        assertEquals(0x554E, DataHeader.protocolId(d));
        assertEquals(1, DataHeader.version(d));
        assertEquals(WireFormat.KIND_DATA, DataHeader.kind(d));
        assertEquals(0x0102030405060708L, DataHeader.token(d));
        assertEquals(WireFormat.ACK_DELAY_NONE, DataHeader.ackDelay(d));
        assertEquals(PacketHeader.TYPE_MESSAGE, PacketHeader.type(d, DataHeader.LENGTH));
        assertEquals(2, PacketHeader.payloadLength(d, DataHeader.LENGTH));
        assertTrue(new Crc().verify(d, v.length));
    }

    @Test
    void vector1IsDeliveredByAConnection() throws IOException {
        List<String> got = new ArrayList<>();
        Connection c = Connection.established(ConnectionConfig.defaults(), 0x0102030405060708L,
                (ch, buf, off, len) -> got.add(ch + ":" + StandardCharsets.US_ASCII.decode(buf.slice(off, len))));
        c.handleDatagram(ByteBuffer.wrap(vector("vector-1")), 0);
        assertEquals(List.of("0:hi"), got);
        assertEquals(1, c.stats().datagramsReceived());
    }

    @Test
    void vector2AckOnly() throws IOException {
        byte[] v = vector("vector-2");
        ByteBuffer b = ByteBuffer.allocate(64);
        DataHeader.write(b, 0x0102030405060708L, 7, 5, 0b11, 1_000_000 / WireFormat.ACK_DELAY_UNIT_NANOS);
        new Crc().seal(b, v.length);
        assertArrayEquals(v, bytes(b, v.length));
        ByteBuffer d = ByteBuffer.wrap(v);
        assertEquals(7, DataHeader.sequence(d));
        assertEquals(5, DataHeader.ack(d));
        assertEquals(3L, DataHeader.ackBits(d));
        assertEquals(62, DataHeader.ackDelay(d));
        assertEquals(DataHeader.OVERHEAD, v.length);
    }

    @Test
    void vector10AcksWithBusy() throws IOException {
        byte[] v = vector("vector-10");
        ByteBuffer b = ByteBuffer.allocate(64);
        DataHeader.write(b, 0x0102030405060708L, 8, 5, 0b11, 1_000_000 / WireFormat.ACK_DELAY_UNIT_NANOS);
        PacketHeader.writeBusy(b, DataHeader.LENGTH, 9);
        new Crc().seal(b, v.length);
        assertArrayEquals(v, bytes(b, v.length));
        ByteBuffer d = ByteBuffer.wrap(v);
        assertEquals(PacketHeader.TYPE_BUSY, PacketHeader.type(d, DataHeader.LENGTH));
        assertEquals(9, PacketHeader.busySequence(d, DataHeader.LENGTH));
        assertEquals(DataHeader.OVERHEAD + PacketHeader.BUSY_SIZE, v.length);
    }

    @Test
    void vector3FragmentAndPing() throws IOException {
        byte[] v = vector("vector-3");
        ByteBuffer b = ByteBuffer.allocate(64);
        DataHeader.write(b, 0xFEDCBA9876543210L, 0xFFFF, 0x8000, 0x8000000000000001L, 0);
        PacketHeader.writeFragment(b, DataHeader.LENGTH, 2, 0x1234, 4, 1, 3, 10);
        b.put(DataHeader.LENGTH + PacketHeader.FRAGMENT_HEADER, new byte[]{4, 5, 6, 7});
        b.put(DataHeader.LENGTH + PacketHeader.FRAGMENT_HEADER + 4, (byte) PacketHeader.TYPE_PING);
        new Crc().seal(b, v.length);
        assertArrayEquals(v, bytes(b, v.length));
        ByteBuffer d = ByteBuffer.wrap(v);
        int at = DataHeader.LENGTH;
        assertEquals(0xFFFF, DataHeader.sequence(d));
        assertEquals(0x8000, DataHeader.ack(d));
        assertEquals(PacketHeader.TYPE_FRAGMENT, PacketHeader.type(d, at));
        assertEquals(2, PacketHeader.channel(d, at));
        assertEquals(0x1234, PacketHeader.sequence(d, at));
        assertEquals(1, PacketHeader.fragmentIndex(d, at));
        assertEquals(3, PacketHeader.fragmentCount(d, at));
        assertEquals(10, PacketHeader.messageLength(d, at));
        assertEquals(4, PacketHeader.fragmentStride(10, 3));
    }

    @Test
    void corruptingAnyByteOfAVectorBreaksTheChecksum() throws IOException {
        byte[] v = vector("vector-3");
        Crc crc = new Crc();
        for (int i = 0; i < v.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] c = v.clone();
                c[i] ^= (byte) (1 << bit);
                assertTrue(!crc.verify(ByteBuffer.wrap(c), c.length), "flip of byte " + i + " bit " + bit);
            }
        }
    }
}
