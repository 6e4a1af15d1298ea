package io.udpnet.bench;

import io.udpnet.wire.Crc;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.PacketHeader;
import io.udpnet.wire.WireFormat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The wire codecs alone: encoding a full 1200-byte datagram of 32-byte messages (header, packet headers, payload
 * copies, CRC32C) and decoding one (CRC check, header fields, walking every packet).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    private static final int PAYLOAD = 32;
    private final Crc crc = new Crc();
    private final ByteBuffer datagram = ByteBuffer.allocate(WireFormat.DEFAULT_DATAGRAM_SIZE);
    private final byte[] payload = new byte[PAYLOAD];
    private int length;
    private int sequence;

    @Setup
    public void setUp() {
        length = encode();
    }

    /** Encodes one datagram packed with as many 32-byte messages as fit; returns its length. */
    @Benchmark
    public int encode() {
        int at = DataHeader.LENGTH;
        int end = WireFormat.DEFAULT_DATAGRAM_SIZE - WireFormat.CRC_SIZE;
        int seq = sequence++;
        while (end - at >= PacketHeader.MESSAGE_HEADER + PAYLOAD) {
            PacketHeader.writeMessage(datagram, at, 0, seq++, PAYLOAD);
            datagram.put(at + PacketHeader.MESSAGE_HEADER, payload);
            at += PacketHeader.MESSAGE_HEADER + PAYLOAD;
        }
        DataHeader.write(datagram, 42, seq, seq, -1L, 0);
        int n = at + WireFormat.CRC_SIZE;
        crc.seal(datagram, n);
        return n;
    }

    /** Checks and walks one datagram; returns a sum of what it read so that nothing is optimised away. */
    @Benchmark
    public long decode() {
        if (!crc.verify(datagram, length)) {
            throw new IllegalStateException("bad checksum");
        }
        long sum = DataHeader.token(datagram) + DataHeader.sequence(datagram) + DataHeader.ack(datagram)
                + DataHeader.ackBits(datagram);
        int end = length - WireFormat.CRC_SIZE;
        for (int at = DataHeader.LENGTH; at < end; ) {
            int len = PacketHeader.payloadLength(datagram, at);
            sum += PacketHeader.channel(datagram, at) + PacketHeader.sequence(datagram, at) + len;
            at += PacketHeader.MESSAGE_HEADER + len;
        }
        return sum;
    }
}
