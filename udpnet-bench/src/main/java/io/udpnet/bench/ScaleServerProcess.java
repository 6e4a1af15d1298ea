package io.udpnet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ScaleServer} child JVM, seen from the bench: started with this JVM's java executable and class path,
 * asked for figures over its stdin and stdout, and never left behind: {@link #close} stops it (politely, then by
 * force), a shutdown hook does the same if the bench exits without closing, and the child exits by itself when its
 * stdin closes (the bench killed outright). Its stderr is copied to the bench's, each line prefixed.
 */
final class ScaleServerProcess implements AutoCloseable {
    /** The child's heap: room for 10,000 connections and their buffers with margin (about 3 KiB each). */
    static final String HEAP = "-Xmx1g";
    private static final long ANSWER_NANOS = 30_000_000_000L;
    private static final String EOF = "\0eof";

    /** What the child said: process CPU time, connections open, messages echoed, and used heap when asked. */
    record Stats(long cpuNanos, int connections, long echoed, long heapBytes) {
    }

    private final Process process;
    private final PrintWriter commands;
    private final BlockingQueue<String> answers = new ArrayBlockingQueue<>(64);
    private final Thread hook;
    private final int port;

    private ScaleServerProcess(Process process, Writer err, String prefix) throws IOException {
        this.process = process;
        this.commands = new PrintWriter(process.outputWriter(StandardCharsets.UTF_8), true);
        this.hook = new Thread(process::destroyForcibly, "scale-server-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
        pump("scale-server-stdout", process.inputReader(StandardCharsets.UTF_8), line -> answers.offer(line));
        PrintWriter errOut = new PrintWriter(err, true);
        pump("scale-server-stderr", process.errorReader(StandardCharsets.UTF_8), line -> {
            if (!line.equals(EOF)) {
                synchronized (errOut) {
                    errOut.println(prefix + line);
                }
            }
        });
        try {
            String first = next("the port");
            if (!first.startsWith("port ")) {
                throw new IOException("scale server: 'port N' expected first, got '" + first + "'");
            }
            port = Integer.parseInt(first.substring(5).trim());
        } catch (IOException | RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            throw e;
        }
    }

    /**
     * Starts the child and waits for its port; stops it again if that fails.
     *
     * @param io             {@code nio} or {@code native}
     * @param maxConnections the server's cap on connections
     * @param err            where the child's stderr goes, each line prefixed with {@code [scale server] }
     */
    static ScaleServerProcess start(String io, int maxConnections, Writer err) throws IOException {
        List<String> cmd = command(io, maxConnections);
        Process p = new ProcessBuilder(cmd).start();
        try {
            return new ScaleServerProcess(p, err, "[scale server] ");
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** The child's command line: this JVM's java, its class path, native access, a heap for 10,000 connections. */
    static List<String> command(String io, int maxConnections) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, HEAP, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ScaleServer.class.getName(), io,
                Integer.toString(maxConnections)));
        return cmd;
    }

    private static void pump(String name, BufferedReader in, java.util.function.Consumer<String> to) {
        Thread t = new Thread(() -> {
            try (in) {
                String line;
                while ((line = in.readLine()) != null) {
                    to.accept(line);
                }
            } catch (IOException e) {
                // the child is gone; a pending command sees the end below
            }
            to.accept(EOF);
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** The server's UDP port on 127.0.0.1. */
    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** CPU time, connections and echoed count; cheap, no garbage collection. */
    Stats cpu() throws IOException {
        return parse(ask("cpu"), -1);
    }

    /** As {@link #cpu}, plus the live heap (its full collection not in the CPU figure). */
    Stats stats() throws IOException {
        String a = ask("stats");
        String[] w = a.split(" ");
        if (w.length < 2 || !w[0].equals("heap")) {
            throw new IOException("scale server: 'heap N ...' expected, got '" + a + "'");
        }
        return parse(a.substring(a.indexOf(" cpu ") + 1), Long.parseLong(w[1]));
    }

    /** The child's resident set in bytes, from /proc/PID/status (VmRSS); -1 where there is no such file. */
    long rssBytes() {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    String[] w = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(w[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * {@link #rssBytes} once it holds still (two readings 200 ms apart within 64 KiB, for at most 3 s): after a full
     * collection the JVM gives memory back to the system from a background thread, later on a busy machine.
     */
    long settledRssBytes() throws InterruptedException {
        long last = rssBytes();
        for (int i = 0; i < 15 && last >= 0; i++) {
            Thread.sleep(200);
            long now = rssBytes();
            if (Math.abs(now - last) <= 64 * 1024) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private synchronized String ask(String command) throws IOException {
        if (!process.isAlive()) {
            throw new IOException("scale server: the child exited with status " + process.exitValue());
        }
        commands.println(command);
        return next("an answer to '" + command + "'");
    }

    private String next(String what) throws IOException {
        String line;
        try {
            line = answers.poll(ANSWER_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for " + what);
        }
        if (line == null) {
            throw new IOException("scale server: no " + what + " within " + ANSWER_NANOS / 1_000_000_000 + " s");
        }
        if (line.equals(EOF)) {
            throw new IOException("scale server: the child ended its output before " + what
                    + " (its stderr, prefixed, says why)");
        }
        if (line.startsWith("error ")) {
            throw new IOException("scale server: " + line);
        }
        return line;
    }

    private static Stats parse(String a, long heap) throws IOException {
        String[] w = a.split(" ");
        if (w.length != 6 || !w[0].equals("cpu") || !w[2].equals("connections") || !w[4].equals("echoed")) {
            throw new IOException("scale server: 'cpu N connections N echoed N' expected, got '" + a + "'");
        }
        try {
            return new Stats(Long.parseLong(w[1]), Integer.parseInt(w[3]), Long.parseLong(w[5]), heap);
        } catch (NumberFormatException e) {
            throw new IOException("scale server: numbers expected in '" + a + "'");
        }
    }

    /** Asks the child to quit, waits a little, then kills it; idempotent. */
    @Override
    public void close() {
        if (process.isAlive()) {
            commands.println("quit");
            commands.close();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
