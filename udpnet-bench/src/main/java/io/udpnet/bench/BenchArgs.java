package io.udpnet.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --option value} arguments of the harness mains: each option has a default, flags take no value, and
 * anything else is an {@link IllegalArgumentException} that names the option.
 */
final class BenchArgs {
    private final Map<String, String> values;

    private BenchArgs(Map<String, String> values) {
        this.values = values;
    }

    /** Parses {@code args} over {@code defaults} (option name without dashes to value); given flags are true. */
    static BenchArgs parse(String[] args, Map<String, String> defaults, Set<String> flags) {
        Map<String, String> v = new LinkedHashMap<>(defaults);
        for (String f : flags) {
            v.put(f, "false");
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String key = a.startsWith("--") ? a.substring(2) : null;
            if (key == null || !v.containsKey(key)) {
                throw new IllegalArgumentException("unknown option: " + a);
            }
            if (flags.contains(key)) {
                v.put(key, "true");
            } else if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            } else {
                v.put(key, args[++i]);
            }
        }
        return new BenchArgs(v);
    }

    String text(String key) {
        return values.get(key);
    }

    boolean flag(String key) {
        return Boolean.parseBoolean(values.get(key));
    }

    /** A whole number in {@code min..max} ({@code _} allowed as a separator). */
    int number(String key, int min, int max) {
        String s = values.get(key);
        int n;
        try {
            n = Integer.parseInt(s.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": a whole number expected, got '" + s + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("--" + key + ": " + min + ".." + max + " expected, got " + n);
        }
        return n;
    }

    /** Comma-separated whole numbers, each in {@code min..max}. */
    List<Integer> numbers(String key, int min, int max) {
        List<Integer> r = new ArrayList<>();
        for (String part : values.get(key).split(",")) {
            r.add(new BenchArgs(Map.of(key, part)).number(key, min, max));
        }
        return r;
    }

    /** One of {@code type}'s constants, by name, ignoring case. */
    <E extends Enum<E>> E choice(String key, Class<E> type) {
        String s = values.get(key);
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(s)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("--" + key + ": one of " + String.join(", ", names) + " expected, got '"
                + s + "'");
    }
}
