package io.udpnet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One configuration of a harness in a child JVM, so that configurations run back to back do not share a heap, a JIT
 * profile or threads: the child runs the same main with {@code --single} and prints its result as one line marked
 * {@link #ROW}; everything else it prints goes to this process's stderr.
 */
final class ForkedRun {
    /** Marks the result line of a child. */
    static final String ROW = "ROW\t";

    private ForkedRun() {
    }

    /**
     * Runs {@code main} with {@code args} and {@code --single single} in a child JVM with this one's class path and
     * {@code -Xms512m -Xmx512m}, and returns its result line; {@code what} names the configuration in the error.
     */
    static String row(Class<?> main, String[] args, String single, String what)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xms512m");
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        cmd.add("--single");
        cmd.add(single);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String row = null;
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(ROW)) {
                    row = line.substring(ROW.length());
                } else {
                    System.err.println(line);
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || row == null) {
            throw new IllegalStateException(what + " failed (exit " + rc + ")");
        }
        return row;
    }
}
