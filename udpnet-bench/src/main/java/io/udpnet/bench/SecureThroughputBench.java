package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.dtls.DtlsClientConfig;
import io.udpnet.dtls.DtlsCredentials;
import io.udpnet.dtls.DtlsServerConfig;
import io.udpnet.dtls.DtlsTrust;
import io.udpnet.io.ServerMode;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageClientConfig;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Secure udpnet throughput against plain udpnet, in the same run: one client connection sends reliable-ordered
 * messages of one size to a SHARED server as fast as the window lets it, plain and DTLS in alternating rounds (so
 * that both see the same load from the rest of the machine); the server counts what it receives. Prints each
 * round's goodput and the median ratio secure / plain.
 *
 * <pre>
 * bin/bench --main io.udpnet.bench.SecureThroughputBench [--size 1024] [--seconds 3] [--rounds 3] [--warmup 2]
 * </pre>
 */
public final class SecureThroughputBench {
    /** One certificate for every round: made once, outside the timing. */
    private static final DtlsCredentials CREDENTIALS = DtlsCredentials.selfSigned("bench");

    private SecureThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        int size = 1024;
        double seconds = 3;
        int rounds = 3;
        double warmup = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--size" -> size = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        System.out.printf(Locale.ROOT, "secure udpnet against plain: %d-byte reliable-ordered messages, one "
                + "connection, SHARED, %d rounds of %.1f s each%n", size, rounds, seconds);
        run(false, size, warmup);
        run(true, size, warmup);
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double plain = run(false, size, seconds);
            double secure = run(true, size, seconds);
            ratios[r] = secure / plain;
            System.out.printf(Locale.ROOT, "round %d: plain %.1f MB/s, DTLS %.1f MB/s, ratio %.2f%n", r + 1,
                    plain / 1e6, secure / 1e6, ratios[r]);
        }
        java.util.Arrays.sort(ratios);
        System.out.printf(Locale.ROOT, "median ratio DTLS / plain: %.2f (rounds range %.2f .. %.2f)%n",
                ratios[rounds / 2], ratios[0], ratios[rounds - 1]);
    }

    /** One round: a new server and client, {@code seconds} of sending; bytes received per second. */
    private static double run(boolean secure, int size, double seconds) throws Exception {
        LongAdder received = new LongAdder();
        MessageServerConfig.Builder sb = MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARED)
                .listener(new MessageConnectionListener() {
                    @Override
                    public void onMessage(MessageConnection connection, int channel, ByteBuffer message) {
                        received.add(message.remaining());
                    }
                });
        if (secure) {
            sb.dtls(DtlsServerConfig.builder().credentials(CREDENTIALS).build());
        }
        try (MessageServer server = MessageServer.open(sb.build())) {
            MessageClientConfig.Builder cb = MessageClientConfig.builder().connection(ConnectionConfig.defaults());
            if (secure) {
                cb.dtls(DtlsClientConfig.builder(DtlsTrust.pinned(server.dtlsCredentials().fingerprint())).build());
            }
            try (MessageClient client = MessageClient.open(cb.build())) {
                MessageConnection c = client.connect(server.localAddress());
                ByteBuffer message = ByteBuffer.allocate(size);
                long end = System.nanoTime() + (long) (seconds * 1e9);
                long start = System.nanoTime();
                long before = received.sum();
                while (System.nanoTime() < end) {
                    c.send(0, message.clear());
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                double rate = (received.sum() - before) / elapsed;
                c.close("done");
                return rate;
            }
        }
    }
}
