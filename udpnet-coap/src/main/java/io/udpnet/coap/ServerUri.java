package io.udpnet.coap;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * The server a {@code coap://} or {@code coaps://} URI names (RFC 7252 section 6): its scheme and its address, the
 * default port filled in. Paths belong to requests, not to the connection, so a URI with one is refused rather than
 * silently ignored.
 *
 * @param secure  true for {@code coaps://}
 * @param address the server's address, resolved
 */
record ServerUri(boolean secure, InetSocketAddress address) {
    /** The default port of {@code coap://}. */
    static final int COAP_PORT = 5683;
    /** The default port of {@code coaps://}. */
    static final int COAPS_PORT = 5684;

    static ServerUri parse(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean secure = switch (scheme) {
            case "coap" -> false;
            case "coaps" -> true;
            default -> throw new IllegalArgumentException("coap:// or coaps:// expected, got " + uri);
        };
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the URI names the server only (scheme, host, port); give the path "
                    + "to each request: " + uri);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // an IPv6 literal
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : secure ? COAPS_PORT : COAP_PORT;
        return new ServerUri(secure, new InetSocketAddress(host, port));
    }
}
