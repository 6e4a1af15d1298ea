package io.udpnet.nativeio;

import io.udpnet.io.DatagramIo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which implementation {@link DatagramIo#defaultIo()} picks with the native module on the class path: native where
 * native access is granted, NIO (working, and with nothing printed) where it is not or where {@code udpnet.io=nio}
 * asks for it. Each case runs in a child JVM, since the choice is made once per JVM.
 */
class FallbackTest {
    @Test
    void nativeWhereNativeAccessIsGranted() throws Exception {
        assertEquals("native-linux true", probe("--enable-native-access=ALL-UNNAMED"));
        assertEquals("native-linux", DatagramIo.defaultIo().name(), "this JVM, run with native access");
    }

    @Test
    void nioWhenAskedFor() throws Exception {
        assertEquals("nio true", probe("--enable-native-access=ALL-UNNAMED", "-Dudpnet.io=nio"));
    }

    @Test
    void nioWithoutNativeAccessAndNoWarning() throws Exception {
        assertEquals("nio true", probe());
    }

    /** Runs {@link ChoiceProbe}; returns its whole output (stdout and stderr), which must be one line. */
    private static String probe(String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChoiceProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
