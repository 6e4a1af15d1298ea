package io.udpnet.cli;

import io.udpnet.impair.LinkConfig;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The impairment options shared by {@code sim} and {@code relay}: percentages, milliseconds and kbit/s on the
 * command line, a {@link LinkConfig} for the library.
 */
final class LinkOptions {

    @Option(names = "--loss", paramLabel = "P", defaultValue = "0", description = "loss probability, percent")
    double loss;

    @Option(names = "--duplicate", paramLabel = "P", defaultValue = "0", description = "duplication probability, percent")
    double duplicate;

    @Option(names = "--reorder", paramLabel = "P", defaultValue = "0",
            description = "probability, percent, that a datagram is held back 10 ms so later ones overtake it")
    double reorder;

    @Option(names = "--corrupt", paramLabel = "P", defaultValue = "0",
            description = "probability, percent, that bits of a datagram are flipped")
    double corrupt;

    @Option(names = "--latency", paramLabel = "MS", defaultValue = "0", description = "one-way latency, each direction")
    double latency;

    @Option(names = "--jitter", paramLabel = "MS", defaultValue = "0", description = "uniform jitter (+/-) on latency")
    double jitter;

    @Option(names = "--bandwidth", paramLabel = "KBITS", defaultValue = "0",
            description = "link rate in kbit/s, each direction; 0 = unlimited")
    long bandwidth;

    /** The configuration the options describe, the same for each direction. */
    LinkConfig linkConfig() {
        return LinkConfig.builder()
                .loss(percent("--loss", loss)).duplication(percent("--duplicate", duplicate))
                .reorder(percent("--reorder", reorder)).corruption(percent("--corrupt", corrupt))
                .latency(millis("--latency", latency)).jitter(millis("--jitter", jitter))
                .bandwidth(kbits(bandwidth)).build();
    }

    /** The options as they were given, under the names {@code --json} output uses (see {@link Json}). */
    Json putSettings(Json settings) {
        return settings.put("lossPercent", loss).put("duplicatePercent", duplicate).put("reorderPercent", reorder)
                .put("corruptPercent", corrupt).put("latencyMillis", latency).put("jitterMillis", jitter)
                .put("bandwidthKbitPerSecond", bandwidth);
    }

    private static double percent(String option, double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException(option + ": a percentage 0..100 expected, got " + p);
        }
        return p / 100;
    }

    private static Duration millis(String option, double ms) {
        if (!(ms >= 0 && ms <= 60_000)) {
            throw new IllegalArgumentException(option + ": 0..60000 ms expected, got " + ms);
        }
        return Duration.ofNanos(Math.round(ms * 1_000_000));
    }

    private static long kbits(long kbits) {
        if (kbits < 0 || kbits > 100_000_000) {
            throw new IllegalArgumentException("--bandwidth: 0..100000000 kbit/s expected, got " + kbits);
        }
        return kbits * 1000;
    }

    /** The options in one line, for people. */
    String describe() {
        return String.format("loss %s%%, duplicate %s%%, reorder %s%%, corrupt %s%%, latency %s ms, jitter %s ms, "
                        + "bandwidth %s", plain(loss), plain(duplicate), plain(reorder), plain(corrupt), plain(latency),
                plain(jitter), bandwidth == 0 ? "unlimited" : bandwidth + " kbit/s");
    }

    /** {@code 5} rather than {@code 5.0} for whole numbers, as a person would write them on the command line. */
    static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
