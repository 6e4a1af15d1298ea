package io.udpnet.bench;

import io.udpnet.io.DatagramBatch;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.Poller;
import io.udpnet.io.SocketOptions;
import io.udpnet.io.UdpSocket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The I/O layer alone on loopback: one thread sends batches of 64 datagrams to one peer, one thread receives them,
 * for NIO and the native implementation (with and without UDP GSO). Each configuration runs in a child JVM, since
 * the implementation is chosen once per JVM. Reports datagrams/s sent and received and MB/s of payload received.
 *
 * <p>{@code bin/bench --main io.udpnet.bench.IoBench --seconds 3 --sizes 32,1200}
 */
public final class IoBench {
    private static final String ROW = "ROW\t";
    private static final int BATCH = 64;

    private IoBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Map.of("seconds", "3", "sizes", "32,1200", "single", ""), Set.of());
        int seconds = a.number("seconds", 1, 600);
        if (!a.text("single").isEmpty()) {
            String[] c = a.text("single").split(",");
            System.out.println(ROW + run(Integer.parseInt(c[0]), seconds));
            return;
        }
        System.out.printf("%-14s %6s %14s %14s %10s %8s%n", "io", "bytes", "sent/s", "received/s", "MB/s", "lost");
        for (String size : a.text("sizes").split(",")) {
            for (String io : List.of("nio", "native-nogso", "native-gso")) {
                String row = child(io, Integer.parseInt(size.strip()), seconds);
                System.out.println(row);
            }
        }
    }

    /** Runs one configuration in a child JVM and returns its result line. */
    private static String child(String io, int size, int seconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Xms256m", "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "-Dudpnet.io=" + (io.equals("nio") ? "nio" : "native"),
                "-Dudpnet.native.gso=" + io.equals("native-gso"),
                "-cp", System.getProperty("java.class.path"), IoBench.class.getName(),
                "--seconds", String.valueOf(seconds), "--single", size + "," + io));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String row = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(ROW)) {
                    row = line.substring(ROW.length());
                }
            }
        }
        if (p.waitFor() != 0 || row == null) {
            throw new IllegalStateException(io + " " + size + " failed");
        }
        return String.format("%-14s %s", io, row);
    }

    /** One configuration in this JVM: one second of warm-up, then {@code seconds} measured. */
    private static String run(int size, int seconds) throws Exception {
        DatagramIo io = DatagramIo.defaultIo();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        AtomicLong received = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        try (UdpSocket rx = io.open(SocketOptions.buffers(4 << 20));
             UdpSocket tx = io.open(SocketOptions.buffers(4 << 20))) {
            rx.bind(any);
            tx.bind(any);
            InetSocketAddress to = rx.localAddress();
            Thread receiver = new Thread(() -> receive(io, rx, received), "receiver");
            Thread sender = new Thread(() -> send(tx, to, size, sent), "sender");
            receiver.start();
            sender.start();
            Thread.sleep(1000);
            long s0 = sent.get();
            long r0 = received.get();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long s1 = sent.get();
            long r1 = received.get();
            double secs = (System.nanoTime() - t0) / 1e9;
            sender.interrupt();
            receiver.interrupt();
            sender.join();
            receiver.join();
            double rxRate = (r1 - r0) / secs;
            double txRate = (s1 - s0) / secs;
            return String.format("%6d %14.0f %14.0f %10.1f %7.1f%%", size, txRate, rxRate, rxRate * size / 1e6,
                    txRate == 0 ? 0 : 100.0 * Math.max(0, txRate - rxRate) / txRate);
        }
    }

    private static void send(UdpSocket tx, InetSocketAddress to, int size, AtomicLong sent) {
        DatagramBatch batch = new DatagramBatch(BATCH, Math.max(size, 1));
        try {
            while (!Thread.currentThread().isInterrupted()) {
                while (!batch.isFull()) {
                    batch.add(to, size);
                }
                int n = tx.send(batch, e -> { });
                batch.removeFirst(n);
                sent.addAndGet(n);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void receive(DatagramIo io, UdpSocket rx, AtomicLong received) {
        DatagramBatch batch = new DatagramBatch(BATCH, 2048);
        try (Poller p = io.openPoller()) {
            p.register(rx, rx);
            while (!Thread.currentThread().isInterrupted()) {
                p.poll(10_000_000L, x -> { });
                int n;
                do {
                    batch.clear();
                    n = rx.receive(batch, e -> { });
                    received.addAndGet(n);
                } while (n == BATCH);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
