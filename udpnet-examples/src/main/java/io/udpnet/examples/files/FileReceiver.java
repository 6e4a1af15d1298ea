package io.udpnet.examples.files;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.examples.Args;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Receives files sent by {@link FileSender}, in blocking style: {@code accept()} and a virtual thread per sender.
 * Everything goes over one reliable-ordered channel: a header {@code FILE size name}, the content in chunks, then the
 * sender's SHA-256 of the content. The receiver hashes what it writes, compares, and answers {@code OK hex} or
 * {@code BAD reason}; a file that does not check out is deleted.
 *
 * <p>Run: {@code FileReceiver [--bind HOST:PORT] [--dir DIR] [--count N] [--seconds N]} (default 127.0.0.1:7003 into
 * {@code received/}, until interrupted; {@code --count} stops after that many files).
 */
public final class FileReceiver implements AutoCloseable {
    /** Both ends use this configuration: one reliable-ordered channel. */
    public static final ConnectionConfig CONFIG = ConnectionConfig.builder()
            .channels(Delivery.RELIABLE_ORDERED).build();
    /** Largest file accepted, so that a sender cannot fill the disk with one claim. */
    public static final long MAX_FILE_BYTES = 1L << 32;

    private final MessageServer server;
    private final Path dir;
    private final PrintStream log;
    private final AtomicInteger verified = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private FileReceiver(InetSocketAddress bind, Path dir, PrintStream log) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.log = log;
        this.server = MessageServer.open(MessageServerConfig.builder().bindAddress(bind).connection(CONFIG).build());
        Thread.ofPlatform().daemon().name("file-accept").start(this::acceptLoop);
    }

    /**
     * Starts receiving.
     *
     * @param bind where to listen (port 0: any free port)
     * @param dir  where files are written
     * @param log  where progress is reported
     * @return the running receiver
     * @throws IOException when the address cannot be bound or the directory made
     */
    public static FileReceiver start(InetSocketAddress bind, Path dir, PrintStream log) throws IOException {
        return new FileReceiver(bind, dir, log);
    }

    /**
     * Returns the address the receiver listens on.
     *
     * @return the address the receiver listens on
     */
    public InetSocketAddress address() {
        return server.localAddress();
    }

    /**
     * Returns files received whose checksum matched.
     *
     * @return files received whose checksum matched
     */
    public int verified() {
        return verified.get();
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        server.close();
        stopped.countDown();
    }

    private void acceptLoop() {
        try {
            while (true) {
                MessageConnection c = server.accept();
                Thread.startVirtualThread(() -> receive(c));
            }
        } catch (ClosedChannelException closed) {
            // stopped
        } catch (IOException e) {
            log.println("accept failed: " + e.getMessage());
        }
    }

    private void receive(MessageConnection c) {
        Path target = null;
        boolean ok = false;
        try (c) {
            String[] header = new String(c.receive().data(), StandardCharsets.UTF_8).split(" ", 3);
            long size = header.length == 3 && header[0].equals("FILE") ? parseSize(header[1]) : -1;
            String name = header.length == 3 ? safeName(header[2]) : null;
            if (size < 0 || name == null) {
                c.send(0, "BAD header: FILE size name expected".getBytes(StandardCharsets.UTF_8));
                return;
            }
            target = dir.resolve(name);
            MessageDigest sha = sha256();
            long got = 0;
            int reported = -1;
            try (OutputStream file = Files.newOutputStream(target)) {
                while (got < size) {
                    byte[] chunk = c.receive().data();
                    if (chunk.length > size - got) {
                        c.send(0, "BAD more bytes than announced".getBytes(StandardCharsets.UTF_8));
                        return;
                    }
                    file.write(chunk);
                    sha.update(chunk);
                    got += chunk.length;
                    int percent = (int) (got * 100 / Math.max(1, size));
                    if (percent / 25 != reported / 25) {   // a line at 0, 25, 50, 75 and 100 %
                        reported = percent;
                        log.println(name + ": " + got + " of " + size + " bytes (" + percent + "%)");
                    }
                }
            }
            byte[] mine = sha.digest();
            byte[] theirs = c.receive().data();
            ok = MessageDigest.isEqual(mine, theirs);
            String answer = ok ? "OK " + HexFormat.of().formatHex(mine) : "BAD checksum mismatch";
            log.println(name + ": " + answer);
            if (ok) {
                verified.incrementAndGet();   // before the answer: a sender that has it may ask at once
            }
            c.send(0, answer.getBytes(StandardCharsets.UTF_8));
            waitForGoodbye(c);
        } catch (IOException e) {
            log.println("transfer from " + Args.text(c.remoteAddress()) + " ended: " + e.getMessage());
        } finally {
            if (!ok && target != null) {
                try {
                    Files.deleteIfExists(target);
                } catch (IOException e) {
                    log.println("cannot delete " + target + ": " + e.getMessage());
                }
            }
        }
    }

    /** The sender closes once it has the answer; closing first could cut the answer off. */
    private static void waitForGoodbye(MessageConnection c) {
        try {
            c.receive(Duration.ofSeconds(10));
        } catch (IOException closed) {
            // the goodbye
        }
    }

    private static long parseSize(String s) {
        try {
            long n = Long.parseLong(s);
            return n >= 0 && n <= MAX_FILE_BYTES ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The file name alone: a sender must not choose where in the file system the receiver writes. */
    private static String safeName(String name) {
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            return null;
        }
        return name;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Runs a receiver.
     *
     * @param args {@code [--bind HOST:PORT] [--dir DIR] [--count N] [--seconds N]}
     * @throws Exception when the receiver cannot start
     */
    public static void main(String[] args) throws Exception {
        InetSocketAddress bind;
        Path dir;
        long count;
        double seconds;
        try {
            Args a = Args.parse(args, "bind", "dir", "count", "seconds");
            bind = Args.address("--bind", a.text("bind", "127.0.0.1:7003"));
            dir = Path.of(a.text("dir", "received"));
            count = a.number("count", 0, 0, Integer.MAX_VALUE);
            seconds = a.seconds("seconds", 0);
        } catch (IllegalArgumentException e) {
            System.err.println("FileReceiver: " + e.getMessage()
                    + "\nusage: FileReceiver [--bind HOST:PORT] [--dir DIR] [--count N] [--seconds N]");
            System.exit(2);
            return;
        }
        try (FileReceiver r = start(bind, dir, System.out)) {
            System.out.println("receiving files on " + Args.text(r.address()) + " into " + dir.toAbsolutePath());
            long end = seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
            while (System.nanoTime() < end && (count == 0 || r.verified() < count)) {
                r.stopped.await(100, TimeUnit.MILLISECONDS);
            }
        }
    }
}
