package io.udpnet.examples.files;

import io.udpnet.examples.Args;
import io.udpnet.messaging.Message;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Sends one file to a {@link FileReceiver} and prints its progress. {@code send} waits while the channel's window is
 * full, so the file is read no faster than the network takes it, and memory stays at a few chunks whatever the file's
 * size.
 *
 * <p>Run: {@code FileSender [HOST:PORT] FILE} (default 127.0.0.1:7003). Exit status 0 when the receiver confirmed the
 * checksum.
 */
public final class FileSender {
    /** Bytes per message: large enough to keep per-message overhead small, well under the 1 MiB message limit. */
    static final int CHUNK_BYTES = 32 * 1024;

    private FileSender() {
    }

    /**
     * Sends a file.
     *
     * @param args {@code [HOST:PORT] FILE}
     * @param out  where progress goes
     * @return 0 when the receiver confirmed the checksum, 1 otherwise, 2 for bad arguments
     */
    public static int run(String[] args, PrintStream out) {
        InetSocketAddress server;
        Path file;
        try {
            Args a = Args.parse(args);
            if (a.positionalCount() < 1 || a.positionalCount() > 2) {
                throw new IllegalArgumentException("a file to send expected");
            }
            server = Args.address("server", a.positionalCount() == 2 ? a.positional(0, null) : "127.0.0.1:7003");
            file = Path.of(a.positional(a.positionalCount() - 1, null));
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("not a file: " + file);
            }
        } catch (IllegalArgumentException e) {
            out.println("FileSender: " + e.getMessage() + "\nusage: FileSender [HOST:PORT] FILE");
            return 2;
        }
        try (MessageClient client = MessageClient.open(FileReceiver.CONFIG);
             MessageConnection c = client.connect(server);
             InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            long start = System.nanoTime();
            c.send(0, ("FILE " + size + " " + file.getFileName()).getBytes(StandardCharsets.UTF_8));
            MessageDigest sha = FileReceiver.sha256();
            byte[] chunk = new byte[CHUNK_BYTES];
            long sent = 0;
            int reported = -1;
            for (int n; (n = in.readNBytes(chunk, 0, chunk.length)) > 0; ) {
                // send copies the bytes before it returns, so the chunk array can be reused at once
                c.send(0, ByteBuffer.wrap(chunk, 0, n));
                sha.update(chunk, 0, n);
                sent += n;
                int percent = (int) (sent * 100 / Math.max(1, size));
                if (percent / 10 != reported / 10) {
                    reported = percent;
                    out.println("sent " + sent + " of " + size + " bytes (" + percent + "%)");
                }
            }
            c.send(0, sha.digest());
            Message answer = c.receive(Duration.ofSeconds(60));
            String text = answer == null ? "no answer in 60 s" : new String(answer.data(), StandardCharsets.UTF_8);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("receiver: %s (%.1f MB/s)%n", text, size / 1e6 / Math.max(seconds, 1e-9));
            c.close("done");
            return text.startsWith("OK ") ? 0 : 1;
        } catch (IOException e) {
            out.println("FileSender: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Sends a file, progress on standard output.
     *
     * @param args {@code [HOST:PORT] FILE}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }
}
