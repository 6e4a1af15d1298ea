package io.udpnet.bench;

import io.udpnet.dtls.DtlsClient;
import io.udpnet.dtls.DtlsClientConfig;
import io.udpnet.dtls.DtlsServerConfig;
import io.udpnet.dtls.DtlsStats;
import io.udpnet.dtls.DtlsTrust;
import io.udpnet.io.ServerMode;
import io.udpnet.transport.DatagramSession;
import io.udpnet.transport.DatagramSessionListener;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Full DTLS 1.2 handshakes per second on loopback: a {@link UdpServer} with DTLS (SHARED: one I/O thread does all
 * the server's handshake work) and N client threads, each connecting a {@link DtlsClient}, exchanging one datagram
 * and closing, in a loop. Both ends run in this process on the same cores, so the wall-clock rate is shared with the
 * clients' own work; the server's cost is also given as handshakes per CPU-second of its I/O thread, the figure for
 * "one core".
 *
 * <pre>
 * bin/bench --main io.udpnet.bench.DtlsHandshakeBench [--clients 4] [--warmup 3] [--seconds 10] [--resume false]
 * </pre>
 */
public final class DtlsHandshakeBench {
    private DtlsHandshakeBench() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 4;
        double warmup = 3;
        double seconds = 10;
        boolean resume = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--resume" -> resume = Boolean.parseBoolean(args[i + 1]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (UdpServer server = UdpServer.open(UdpServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARED)
                .dtls(DtlsServerConfig.builder().maxHandshakes(4096).build())
                .sessionListener(s -> new DatagramSessionListener() {
                    @Override
                    public void onDatagram(DatagramSession session, ByteBuffer datagram) {
                        try {
                            session.send(datagram);
                        } catch (IOException e) {
                            System.err.println("echo failed: " + e);
                        }
                    }
                }).build())) {
            String pin = server.dtlsCredentials().orElseThrow().fingerprint();
            DtlsClientConfig shared = DtlsClientConfig.builder(DtlsTrust.pinned(pin)).build();
            boolean resumed = resume;
            LongAdder done = new LongAdder();
            LongAdder failed = new LongAdder();
            LongAdder latencyNanos = new LongAdder();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                threads.add(Thread.ofPlatform().name("dtls-bench-client-" + i).start(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(256);
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        // A configuration is one SSLContext, whose session cache lets later clients resume: a new
                        // one per connection makes every handshake a full one.
                        DtlsClientConfig config = resumed ? shared : DtlsClientConfig.builder(DtlsTrust.pinned(pin))
                                .build();
                        try (DtlsClient c = DtlsClient.connect(server.localAddress(), config)) {
                            long t1 = System.nanoTime();
                            c.send(ByteBuffer.wrap(new byte[32]));
                            buf.clear();
                            if (c.receive(buf, Duration.ofSeconds(5)) == 32) {
                                done.increment();
                                latencyNanos.add(t1 - t0);
                            } else {
                                System.err.println("no echo within 5 s");
                                failed.increment();
                            }
                        } catch (IOException e) {
                            if (failed.sum() < 3) {
                                System.err.println("handshake failed: " + e);
                            }
                            failed.increment();
                        }
                    }
                }));
            }
            Thread.sleep((long) (warmup * 1000));
            long ioCpu0 = ioThreadCpu(mx);
            long done0 = done.sum();
            long lat0 = latencyNanos.sum();
            long failed0 = failed.sum();
            long t0 = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            long elapsed = System.nanoTime() - t0;
            long n = done.sum() - done0;
            long ioCpu = ioThreadCpu(mx) - ioCpu0;
            long lat = latencyNanos.sum() - lat0;
            long fails = failed.sum() - failed0;
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
            DtlsStats st = server.dtlsStats().orElseThrow();
            System.out.printf(Locale.ROOT, "DTLS 1.2 %s handshakes on loopback, %d client threads, %.0f s measured "
                            + "(after %.0f s warm-up), %d processors%n", resume ? "resumed (where the JDK resumes)"
                            : "full", clients, seconds, warmup,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "  handshakes + one echo: %d (%.1f/s wall clock), %d failed%n", n,
                    n / (elapsed / 1e9), fails);
            System.out.printf(Locale.ROOT, "  server I/O thread CPU: %.2f s -> %.1f handshakes per CPU-second%n",
                    ioCpu / 1e9, ioCpu > 0 ? n / (ioCpu / 1e9) : Double.NaN);
            System.out.printf(Locale.ROOT, "  mean connect time (two cookie round trips, then the handshake): "
                    + "%.2f ms%n", n > 0 ? lat / 1e6 / n : Double.NaN);
            System.out.printf(Locale.ROOT, "  server totals: %s%n", st);
        }
    }

    private static long ioThreadCpu(ThreadMXBean mx) {
        long sum = 0;
        for (long id : mx.getAllThreadIds()) {
            var info = mx.getThreadInfo(id);
            if (info != null && info.getThreadName().startsWith("udpnet-io")) {
                long cpu = mx.getThreadCpuTime(id);
                if (cpu > 0) {
                    sum += cpu;
                }
            }
        }
        return sum;
    }

}
