package io.udpnet.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on stderr: each measured step prints a bar of how much of the run is done, then what the step measured;
 * notes (configurations, skipped peers) print without the bar.
 */
final class Progress {
    private static final int WIDTH = 20;
    private final PrintWriter out;
    private final int total;
    private int done;

    Progress(PrintWriter out, int total) {
        this.out = out;
        this.total = Math.max(1, total);
    }

    void step(String format, Object... args) {
        done = Math.min(total, done + 1);
        int filled = done * WIDTH / total;
        out.printf(Locale.ROOT, "[%s%s] %3d%% %s%n", "#".repeat(filled), ".".repeat(WIDTH - filled),
                done * 100 / total, String.format(Locale.ROOT, format, args));
        out.flush();
    }

    /** Counts {@code n} steps as done without printing them (a peer that cannot run). */
    void skip(int n) {
        done = Math.min(total, done + n);
    }

    /** Where the progress goes, for output passed through (a child process's stderr). */
    PrintWriter writer() {
        return out;
    }

    void note(String format, Object... args) {
        out.println("# " + String.format(Locale.ROOT, format, args));
        out.flush();
    }
}
