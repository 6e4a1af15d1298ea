package io.udpnet.engine;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.wire.Crc;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.WireFormat;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feeds arbitrary datagrams to one long-lived connection. Most inputs are given a valid header, token and CRC so
 * that the fuzzer reaches the packet parser, the channels and the ack processing rather than stopping at the
 * checksum. Nothing may throw, and buffered memory must stay within the configured bounds.
 *
 * <p>Without {@code JAZZER_FUZZ=1} this runs the stored inputs once, as a regression test; {@code bin/test} also
 * fuzzes it for a short while.
 */
class DatagramFuzzTest {
    private static final long TOKEN = 0x1122334455667788L;
    private static final ConnectionConfig CONFIG = ConnectionConfig.builder()
            .channels(Delivery.RELIABLE_ORDERED, Delivery.RELIABLE_UNORDERED, Delivery.UNRELIABLE_SEQUENCED,
                    Delivery.UNRELIABLE)
            .maxMessageSize(64 * 1024)
            .sendBufferBytes(256 * 1024)
            .receiveBufferBytes(256 * 1024)
            .build();
    private static final Crc CRC = new Crc();
    private static final ByteBuffer OUT = ByteBuffer.allocate(1500);
    private static Connection connection = newConnection();
    private static long now;
    private static int inputs;

    private static Connection newConnection() {
        return Connection.established(CONFIG, TOKEN, (channel, buffer, offset, length) -> {
            if (offset < 0 || length < 0 || offset + length > buffer.limit()) {
                throw new AssertionError("delivered a message outside its buffer: " + offset + "+" + length);
            }
        });
    }

    @FuzzTest(maxDuration = "30s")
    void datagramsNeverBreakAConnection(FuzzedDataProvider data) {
        if (++inputs % 10_000 == 0) {
            connection = newConnection();
        }
        boolean seal = data.consumeBoolean();
        now += data.consumeLong(0, 50_000_000L);
        byte[] bytes = data.consumeRemainingAsBytes();
        ByteBuffer b = ByteBuffer.allocate(Math.max(bytes.length, DataHeader.OVERHEAD));
        b.put(0, bytes).limit(bytes.length);
        if (seal && bytes.length >= DataHeader.OVERHEAD) {
            b.putShort(DataHeader.PROTOCOL_ID_OFFSET, WireFormat.PROTOCOL_ID);
            b.put(DataHeader.VERSION_OFFSET, WireFormat.VERSION);
            b.put(DataHeader.KIND_OFFSET, WireFormat.KIND_DATA);
            b.putLong(DataHeader.TOKEN_OFFSET, TOKEN);
            CRC.seal(b, bytes.length);
        }
        connection.handleDatagram(b, now);
        while (connection.pollTransmit(OUT, now) > 0) {
            assertTrue(OUT.limit() <= CONFIG.maxDatagramSize());
        }
        // A drained connection never asks to be polled again at once: that would be a busy loop.
        assertTrue(connection.nextDeadline() > now, "deadline " + connection.nextDeadline() + " not after " + now);
        long buffered = connection.receiveBufferedBytes();
        assertTrue(buffered >= 0 && buffered <= CONFIG.receiveBufferBytes() + 4L * CONFIG.maxMessageSize(),
                "receive buffers hold " + buffered + " bytes");
    }
}
