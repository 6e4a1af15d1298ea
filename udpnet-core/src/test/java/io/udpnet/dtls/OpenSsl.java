package io.udpnet.dtls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs the openssl command-line tool from tests, with bounded waits; skips tests where it is missing. */
final class OpenSsl {
    static final String BINARY = findBinary();

    private OpenSsl() {
    }

    private static String findBinary() {
        for (String p : List.of("/usr/bin/openssl", "/usr/local/bin/openssl")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    static void assumePresent() {
        assumeTrue(BINARY != null, "openssl is not installed (apt-get install openssl); interop test skipped");
    }

    /** Runs a short openssl command to its end, failing on a non-zero exit. */
    static void run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(BINARY);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("openssl " + args[0] + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    /** Reads what a process writes into a buffer on a thread of its own, so a test can wait for text with a limit. */
    static final class Output {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final Thread reader;

        Output(InputStream in) {
            reader = Thread.ofVirtual().start(() -> {
                byte[] b = new byte[4096];
                try {
                    int n;
                    while ((n = in.read(b)) > 0) {
                        synchronized (buf) {
                            buf.write(b, 0, n);
                            buf.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
        }

        String text() {
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }

        /** Waits until the output contains {@code s}, at most {@code limit}. */
        boolean await(String s, Duration limit) throws InterruptedException {
            long end = System.nanoTime() + limit.toNanos();
            synchronized (buf) {
                while (!buf.toString(StandardCharsets.UTF_8).contains(s)) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    buf.wait(Math.max(1, left / 1_000_000));
                }
                return true;
            }
        }
    }
}
