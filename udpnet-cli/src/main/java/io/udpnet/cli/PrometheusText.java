package io.udpnet.cli;

import java.util.Locale;

/**
 * Writes metrics in the Prometheus text exposition format (version 0.0.4): a {@code # HELP} and a {@code # TYPE}
 * line per metric, then one line per sample, {@code name{label="value",...} number}. Counters end in
 * {@code _total}. Label values are escaped as the format requires.
 */
final class PrometheusText {
    /** The Content-Type of the format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);
    private String family;

    /** Starts a metric family; its samples follow through {@link #sample}. */
    PrometheusText metric(String name, String type, String help) {
        family = name;
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample of the current family, with label name/value pairs. */
    PrometheusText sample(double value, String... labels) {
        out.append(family);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"").append(labels[i + 1].replace("\\", "\\\\")
                        .replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    /** A family of one sample. */
    PrometheusText single(String name, String type, String help, double value) {
        return metric(name, type, help).sample(value);
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.9g", v);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
