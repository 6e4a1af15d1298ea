package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.engine.Admission;
import io.udpnet.engine.Connection;
import io.udpnet.engine.ConnectionListener;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.ServerEndpoint;
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

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Complete handshakes on one thread, without sockets: a client {@link Connection} sends its REQUEST, the
 * {@link ServerEndpoint} answers with a CHALLENGE, the client its RESPONSE, the server creates the connection and
 * sends ACCEPT, and the client is connected. Then the server drops the connection, so that its state does not grow
 * over the run. Both ends' work is counted, so the server alone does more handshakes per second than this shows.
 * Each handshake comes from its own address (65,536 in turn); the challenge rate limit is set out of the way.
 *
 * <p>{@code bin/bench HandshakeBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandshakeBenchmark {
    private static final ConnectionConfig CONFIG = ConnectionConfig.defaults();
    private final ConnectionListener quiet = (channel, buffer, offset, length) -> { };
    private final ByteBuffer toServer = ByteBuffer.allocate(2048);
    private final ByteBuffer toClient = ByteBuffer.allocate(2048);
    private final ByteBuffer payload = ByteBuffer.allocate(0);
    private final InetSocketAddress[] addresses = new InetSocketAddress[65_536];
    private final SplittableRandom random = new SplittableRandom(1);
    private ServerEndpoint server;
    private int next;
    private long now;

    @Setup
    public void setUp() throws UnknownHostException {
        server = new ServerEndpoint(CONFIG, ServerEndpointConfig.builder().challengesPerSecond(10_000_000).build(),
                (from, p) -> Admission.accept(quiet), new SplittableRandom(2));
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = new InetSocketAddress(InetAddress.getByAddress(new byte[]{10, 9, (byte) (i >> 8),
                    (byte) i}), 50_000);
        }
        now = System.nanoTime();
    }

    /** One handshake, both ends; returns the token so that nothing is optimised away. */
    @Benchmark
    public long handshake() {
        InetSocketAddress from = addresses[next++ & 0xFFFF];
        now += 1_000;   // 1 µs of engine time per handshake: cookies and nonces roll over as in a real run
        Connection client = Connection.connect(CONFIG, payload, quiet, random, now);
        client.pollTransmit(toServer, now);
        server.handleDatagram(from, toServer, now);
        server.pollTransmit(toClient, now);
        client.handleDatagram(toClient, now);
        client.pollTransmit(toServer, now);
        server.handleDatagram(from, toServer, now);
        server.pollTransmit(toClient, now);
        client.handleDatagram(toClient, now);
        if (client.state() != Connection.State.CONNECTED) {
            throw new IllegalStateException("handshake failed: " + client + ", " + server.stats());
        }
        Connection c = server.connection(from);
        c.abort(DisconnectCode.APPLICATION, "benchmark");
        server.pollTransmit(toClient, now);   // forgets it
        return c.token();
    }
}
