package io.udpnet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the results were measured on, as said in the tables and the report. */
final class Machine {
    private Machine() {
    }

    /** Processors, CPU model, operating system and JVM, in one line. */
    static String describe() {
        return String.format(Locale.ROOT, "%d processors (%s), %s %s %s, %s %s", Runtime.getRuntime()
                        .availableProcessors(), cpuModel(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"), System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
    }

    /** The one-minute load average, or {@code ?} where {@code /proc/loadavg} is missing. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the model stays unknown
        }
        return "CPU model unknown";
    }
}
