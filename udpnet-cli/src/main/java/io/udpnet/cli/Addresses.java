package io.udpnet.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses the HOST:PORT arguments of the commands, with messages that say what is wrong. */
final class Addresses {
    private Addresses() {
    }

    /**
     * {@code host:port}, {@code [v6]:port}, or {@code :port} / {@code port} for the loopback address.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    static InetSocketAddress parse(String option, String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException(option + ": expected [IPv6]:PORT, got '" + text + "'");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon != text.indexOf(':')) {
                throw new IllegalArgumentException(option + ": write IPv6 addresses as [ADDRESS]:PORT, got '"
                        + text + "'");
            }
            host = colon < 0 ? "" : text.substring(0, colon);
            port = colon < 0 ? text : text.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + port + "' is not a port number (HOST:PORT expected)");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException(option + ": port " + p + " is not in 0..65535");
        }
        try {
            InetAddress a = host.isEmpty() ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host);
            return new InetSocketAddress(a, p);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": unknown host '" + host + "'");
        }
    }

    /** {@code host:port}, with IPv6 hosts in brackets: what {@link #parse} reads back. */
    static String text(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
