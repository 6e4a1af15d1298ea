package io.udpnet.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/** Parses the HOST:PORT arguments of the commands, with messages that say what is wrong, and prints addresses. */
final class Addresses {
    private Addresses() {
    }

    /**
     * An address to send to: {@code host:port}, {@code [v6]:port}, or {@code :port} / {@code port} for the loopback
     * address. The port must not be 0: nothing can be reached there.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    static InetSocketAddress peer(String option, String text) {
        InetSocketAddress a = parse(option, text, InetAddress.getLoopbackAddress());
        if (a.getPort() == 0) {
            throw new IllegalArgumentException(option + ": port 1..65535 expected, got 0 in '" + text + "'");
        }
        return a;
    }

    /**
     * An address to listen on: {@code host:port}, {@code [v6]:port}, or {@code :port} / {@code port} for every
     * interface (the wildcard address, as most servers read it). Port 0 lets the system pick one.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    static InetSocketAddress bind(String option, String text) {
        return parse(option, text, null);
    }

    /** Parses {@code text}; an empty host means {@code emptyHost}, or the wildcard address when that is null. */
    private static InetSocketAddress parse(String option, String text, InetAddress emptyHost) {
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
        if (host.isEmpty()) {
            return emptyHost == null ? new InetSocketAddress(p) : new InetSocketAddress(emptyHost, p);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": unknown host '" + host + "'");
        }
    }

    /**
     * {@code host:port}, with IPv6 hosts in brackets: what {@link #peer} reads back. Never the {@code host/address}
     * form of {@link InetSocketAddress#toString()}; a wildcard address prints as {@code *:port}.
     */
    static String text(SocketAddress address) {
        if (!(address instanceof InetSocketAddress a) || a.getAddress() == null) {
            return String.valueOf(address);
        }
        if (a.getAddress().isAnyLocalAddress()) {
            return "*:" + a.getPort();
        }
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /**
     * Where a client on this machine can reach a server listening on {@code local}: the address itself, or loopback
     * when the server listens on every interface (a wildcard address cannot be sent to).
     */
    static String reachable(InetSocketAddress local) {
        return local.getAddress().isAnyLocalAddress()
                ? text(new InetSocketAddress(InetAddress.getLoopbackAddress(), local.getPort()))
                : text(local);
    }
}
