package io.udpnet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/udpnet}'s build on first use, run against a stand-in Maven that writes terminal escape codes (as the
 * real one does, even in batch mode) and a stand-in JDK that prints how it was called.
 */
class LauncherScriptTest {
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private static void script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Copies the launcher into a fresh tree (no jar yet) and runs it with {@code mavenBody} as {@code mvn}. */
    private Result run(String mavenBody, String... args) throws Exception {
        Path root = dir.resolve("clone");
        Files.createDirectories(root.resolve("bin/lib"));
        Files.copy(REPOSITORY.resolve("bin/udpnet"), root.resolve("bin/udpnet"));
        Files.copy(REPOSITORY.resolve("bin/lib/common.sh"), root.resolve("bin/lib/common.sh"));
        script(dir.resolve("jdk/bin/javac"), "exit 0");
        script(dir.resolve("jdk/bin/java"), """
                if [ "$1" = "-XshowSettings:properties" ]; then
                  echo '    java.specification.version = 25' >&2; exit 0
                fi
                echo "java $*\"""");
        script(dir.resolve("tools/mvn"), mavenBody);
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = root.resolve("bin/udpnet").toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        pb.environment().put("PATH", dir.resolve("tools") + ":/usr/bin:/bin");
        pb.environment().remove("MAVEN_OPTS");
        int exit = pb.start().waitFor();
        return new Result(exit, Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    @Test
    void theFirstRunBuildsQuietlyThenRunsTheTool() throws Exception {
        Result r = run("""
                printf '\\033[0m'; printf '\\033[0m' >&2
                mkdir -p udpnet-cli/target && touch udpnet-cli/target/udpnet.jar""", "demo", "--seconds", "1");
        assertEquals(0, r.exit(), r.err());
        assertEquals("udpnet: building (first run or sources changed)...\n", r.err());
        assertTrue(r.out().startsWith("java --enable-native-access=ALL-UNNAMED -jar "), r.out());
        assertTrue(r.out().endsWith("/clone/udpnet-cli/target/udpnet.jar demo --seconds 1\n"), r.out());
        assertFalse((r.out() + r.err()).contains("\u001b"), "no terminal escape codes");
    }

    @Test
    void aFailedBuildShowsTheEndOfItsLog() throws Exception {
        Result r = run("echo '[ERROR] COMPILATION ERROR: Main.java:[3,1] class expected'; exit 1", "sim");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("udpnet: build failed; the end of "), r.err());
        assertTrue(r.err().contains("[ERROR] COMPILATION ERROR: Main.java:[3,1] class expected"), r.err());
        assertEquals("", r.out());
    }
}
