package io.udpnet.cli;

import java.util.List;

/**
 * One JSON object, written field by field: what every command prints with {@code --json}.
 *
 * <p>The conventions, the same for every command: camelCase names; a name ends in its unit when it has one
 * ({@code Millis}, {@code Seconds}, {@code Bytes}, {@code Percent}, {@code KbitPerSecond}, {@code MbitPerSecond});
 * a count starts with what it counts ({@code datagrams...} on the wire, {@code packets...} inside datagrams,
 * {@code messages...} of the application), so counts of different units are never mistaken for each other;
 * addresses are {@code "host:port"} strings as the commands accept them; the command's inputs are in a nested
 * {@code "settings"} object; numbers that are not finite are {@code null}.
 */
final class Json {
    private final StringBuilder text = new StringBuilder("{");

    Json put(String name, String value) {
        name(name);
        if (value == null) {
            text.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    Json put(String name, long value) {
        name(name).append(value);
        return this;
    }

    /** Rounded to three decimals, enough for milliseconds and rates and stable to compare. */
    Json put(String name, double value) {
        name(name).append(Double.isFinite(value) ? String.valueOf(Math.round(value * 1000) / 1000.0) : "null");
        return this;
    }

    Json put(String name, boolean value) {
        name(name).append(value);
        return this;
    }

    /** Nests {@code object} as it is now: fields added to it later are not seen here. */
    Json put(String name, Json object) {
        name(name).append(object);
        return this;
    }

    Json put(String name, List<Integer> values) {
        name(name).append('[');
        for (int i = 0; i < values.size(); i++) {
            text.append(i == 0 ? "" : ",").append(values.get(i));
        }
        text.append(']');
        return this;
    }

    private StringBuilder name(String name) {
        if (text.length() > 1) {
            text.append(',');
        }
        quote(name);
        return text.append(':');
    }

    private void quote(String s) {
        text.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < 0x20) {
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }

    @Override
    public String toString() {
        return text + "}";
    }
}
