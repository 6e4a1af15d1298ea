package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.CongestionConfig;
import io.udpnet.engine.Connection;
import io.udpnet.engine.MessageListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * In-memory sender -> receiver pump: one thread queues 32-byte messages on one connection, moves every datagram it
 * produces into the peer connection, and moves the peer's acks back. Measures messages per second through the whole
 * engine (queueing, packing, CRC32C, parsing, acks, delivery) on one core, with no socket and no congestion
 * control.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PumpBenchmark {
    /** Messages queued per benchmark invocation before the datagrams are pumped across. */
    static final int BATCH = 256;

    @Param({"UNRELIABLE", "UNRELIABLE_SEQUENCED", "RELIABLE_UNORDERED", "RELIABLE_ORDERED"})
    public Delivery delivery;

    @Param({"32"})
    public int size;

    private Connection sender;
    private Connection receiver;
    private final ByteBuffer message = ByteBuffer.allocate(1 << 16);
    private final ByteBuffer datagram = ByteBuffer.allocate(1500);
    private long now;
    private long delivered;

    @Setup(Level.Trial)
    public void setUp() {
        // Without congestion control: the benchmark measures the engine's own cost per message, and pacing on a
        // virtual clock would only measure the pacer.
        ConnectionConfig config = ConnectionConfig.builder().channels(delivery)
                .congestion(CongestionConfig.builder().algorithm(CongestionConfig.Algorithm.NONE).build()).build();
        MessageListener count = (channel, buffer, offset, length) -> delivered++;
        sender = Connection.established(config, 7, (channel, buffer, offset, length) -> { });
        receiver = Connection.established(config, 7, count);
        message.limit(size);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long pump() {
        for (int i = 0; i < BATCH; i++) {
            if (!sender.send(0, message)) {
                throw new IllegalStateException("back-pressure in a lossless pump: " + sender.stats());
            }
        }
        now += 10_000;
        while (sender.pollTransmit(datagram, now) > 0) {
            receiver.handleDatagram(datagram, now);
        }
        while (receiver.pollTransmit(datagram, now) > 0) {
            sender.handleDatagram(datagram, now);
        }
        return delivered;
    }
}
