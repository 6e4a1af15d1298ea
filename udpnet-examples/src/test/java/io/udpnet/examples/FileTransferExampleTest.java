package io.udpnet.examples;

import io.udpnet.examples.files.FileReceiver;
import io.udpnet.examples.files.FileSender;
import io.udpnet.messaging.Message;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 3 MiB file sent over loopback, checked byte for byte and by its checksum. */
@Timeout(120)
class FileTransferExampleTest {
    @Test
    void theFileArrivesWholeAndItsChecksumIsConfirmed(@TempDir Path tmp) throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 123];
        new Random(14).nextBytes(content);
        Path file = Files.write(tmp.resolve("payload.bin"), content);
        Path into = tmp.resolve("in");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (FileReceiver receiver = FileReceiver.start(new InetSocketAddress("127.0.0.1", 0), into,
                new PrintStream(log, true, StandardCharsets.UTF_8))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = FileSender.run(new String[] {Args.text(receiver.address()), file.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            String progress = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, progress + log);
            assertTrue(progress.contains("(10%)") && progress.contains("(100%)"), progress);
            assertTrue(progress.contains("receiver: OK "), progress);
            assertEquals(1, receiver.verified());
            assertArrayEquals(content, Files.readAllBytes(into.resolve("payload.bin")));
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("payload.bin: " + content.length + " of "
                    + content.length + " bytes (100%)"), log.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aWrongChecksumIsRefusedAndTheFileDeleted(@TempDir Path tmp) throws Exception {
        Path into = tmp.resolve("in");
        try (FileReceiver receiver = FileReceiver.start(new InetSocketAddress("127.0.0.1", 0), into,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
             MessageClient client = MessageClient.open(FileReceiver.CONFIG);
             MessageConnection c = client.connect(receiver.address())) {
            c.send(0, "FILE 5 bad.bin".getBytes(StandardCharsets.UTF_8));
            c.send(0, new byte[] {1, 2, 3, 4, 5});
            c.send(0, new byte[32]);   // not the SHA-256 of those bytes
            Message answer = c.receive(Duration.ofSeconds(30));
            assertEquals("BAD checksum mismatch", new String(answer.data(), StandardCharsets.UTF_8));
            c.close("done");
            c.closeFuture().get();
            ChatExampleTest.waitFor(() -> !Files.exists(into.resolve("bad.bin")));
            assertEquals(0, receiver.verified());
        }
    }

    @Test
    void aNameWithAPathIsRefused(@TempDir Path tmp) throws Exception {
        Path into = tmp.resolve("in");
        try (FileReceiver receiver = FileReceiver.start(new InetSocketAddress("127.0.0.1", 0), into,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
             MessageClient client = MessageClient.open(FileReceiver.CONFIG);
             MessageConnection c = client.connect(receiver.address())) {
            c.send(0, "FILE 5 ../escape.bin".getBytes(StandardCharsets.UTF_8));
            Message answer = c.receive(Duration.ofSeconds(30));
            assertEquals("BAD header: FILE size name expected", new String(answer.data(), StandardCharsets.UTF_8));
            assertTrue(!Files.exists(tmp.resolve("escape.bin")));
        }
    }

    @Test
    void aMissingFileIsAUsageError(@TempDir Path tmp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = FileSender.run(new String[] {"127.0.0.1:9", tmp.resolve("absent").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("not a file"));
    }
}
