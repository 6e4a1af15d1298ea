package io.udpnet.coap;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Writes {@code /.well-known/core} in the CoRE link format (RFC 6690), with its simple query filtering. */
final class LinkFormat {
    private LinkFormat() {
    }

    /**
     * The links of the resources that match every query item.
     *
     * @param resources the resources
     * @param query items such as {@code rt=temperature}, {@code href=/sensors*}
     * @return the link-format text
     */
    static String write(Collection<CoapResource> resources, List<String> query) {
        StringBuilder sb = new StringBuilder();
        for (CoapResource r : resources) {
            if (!matches(r, query)) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append('<').append(r.path()).append('>');
            for (Map.Entry<String, String> a : r.attributes().entrySet()) {
                sb.append(';').append(a.getKey());
                if (!a.getValue().isEmpty()) {
                    sb.append('=').append(a.getValue());
                }
            }
        }
        return sb.toString();
    }

    private static boolean matches(CoapResource r, List<String> query) {
        for (String item : query) {
            int eq = item.indexOf('=');
            String name = eq < 0 ? item : item.substring(0, eq);
            String want = eq < 0 ? "" : item.substring(eq + 1);
            String have;
            if (name.equals("href")) {
                have = r.path();
            } else {
                have = r.attributes().get(name);
                if (have == null) {
                    return false;
                }
                have = unquote(have);
            }
            if (!valueMatches(have, want)) {
                return false;
            }
        }
        return true;
    }

    private static boolean valueMatches(String have, String want) {
        if (want.isEmpty()) {
            return true;
        }
        if (want.endsWith("*")) {
            return have.startsWith(want.substring(0, want.length() - 1));
        }
        // Attributes such as rt may hold several space-separated values; any one matching is enough.
        for (String v : have.split(" ")) {
            if (v.equals(want)) {
                return true;
            }
        }
        return false;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
