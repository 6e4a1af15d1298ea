package io.udpnet.examples;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The examples' command lines: {@code --name value} options and positional arguments, nothing more, so that each
 * example stays about its protocol. A bad argument is an {@link IllegalArgumentException} with a message for the user.
 */
public final class Args {
    private final Map<String, String> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /**
     * Reads {@code args}: every {@code --name} takes the next argument as its value.
     *
     * @param args    the command line
     * @param allowed the option names this program knows, without the dashes
     * @return the parsed arguments
     * @throws IllegalArgumentException on an unknown option or one without a value
     */
    public static Args parse(String[] args, String... allowed) {
        Args a = new Args();
        for (int i = 0; i < args.length; i++) {
            String s = args[i];
            if (!s.startsWith("--")) {
                a.positional.add(s);
                continue;
            }
            String name = s.substring(2);
            if (!List.of(allowed).contains(name)) {
                throw new IllegalArgumentException("unknown option " + s + "; known: --"
                        + String.join(", --", allowed));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(s + " needs a value");
            }
            a.options.put(name, args[++i]);
        }
        return a;
    }

    /**
     * The text of an option.
     *
     * @param name         the option, without the dashes
     * @param defaultValue what an absent option means
     * @return the option's text
     */
    public String text(String name, String defaultValue) {
        return options.getOrDefault(name, defaultValue);
    }

    /**
     * An option read as a number of seconds.
     *
     * @param name         the option, without the dashes
     * @param defaultValue what an absent option means
     * @return the option as a number of seconds, at least 0
     */
    public double seconds(String name, double defaultValue) {
        String s = options.get(name);
        if (s == null) {
            return defaultValue;
        }
        try {
            double d = Double.parseDouble(s);
            if (d >= 0 && d < 1e9) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + name + ": a number of seconds >= 0 expected, got '" + s + "'");
    }

    /**
     * An option read as a whole number in a range.
     *
     * @param name         the option, without the dashes
     * @param defaultValue what an absent option means
     * @param min          the smallest value allowed
     * @param max          the largest value allowed
     * @return the option as a whole number
     */
    public long number(String name, long defaultValue, long min, long max) {
        String s = options.get(name);
        if (s == null) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(s);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + name + ": " + min + ".." + max + " expected, got '" + s + "'");
    }

    /**
     * A positional argument.
     *
     * @param index        which positional argument, from 0
     * @param defaultValue what an absent argument means
     * @return the positional argument's text
     */
    public String positional(int index, String defaultValue) {
        return index < positional.size() ? positional.get(index) : defaultValue;
    }

    /**
     * Returns how many positional arguments there are.
     *
     * @return how many positional arguments there are
     */
    public int positionalCount() {
        return positional.size();
    }

    /**
     * Parses {@code HOST:PORT} or {@code [IPv6]:PORT}.
     *
     * @param what the argument's name, for the message
     * @param text the address
     * @return the resolved address
     */
    public static InetSocketAddress address(String what, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(what + ": HOST:PORT expected, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + ": port 0..65535 expected in '" + text + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what + ": unknown host '" + host + "'");
        }
    }

    /**
     * Text of an address for people and for the other examples' command lines: {@code HOST:PORT}, IPv6 in brackets.
     *
     * @param a the address
     * @return its text
     */
    public static String text(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
