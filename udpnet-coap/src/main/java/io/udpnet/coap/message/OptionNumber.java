package io.udpnet.coap.message;

/** CoAP option numbers (RFC 7252 section 5.10, RFC 7641, RFC 7959). */
public final class OptionNumber {
    /** If-Match (not supported by the server: answered with 4.02 as an unknown critical option). */
    public static final int IF_MATCH = 1;
    /** Uri-Host. */
    public static final int URI_HOST = 3;
    /** ETag. */
    public static final int ETAG = 4;
    /** If-None-Match (not supported by the server). */
    public static final int IF_NONE_MATCH = 5;
    /** Observe (RFC 7641). */
    public static final int OBSERVE = 6;
    /** Uri-Port. */
    public static final int URI_PORT = 7;
    /** Location-Path. */
    public static final int LOCATION_PATH = 8;
    /** Uri-Path: one path segment per option. */
    public static final int URI_PATH = 11;
    /** Content-Format. */
    public static final int CONTENT_FORMAT = 12;
    /** Max-Age, seconds. */
    public static final int MAX_AGE = 14;
    /** Uri-Query: one {@code key=value} per option. */
    public static final int URI_QUERY = 15;
    /** Accept. */
    public static final int ACCEPT = 17;
    /** Location-Query. */
    public static final int LOCATION_QUERY = 20;
    /** Block2 (RFC 7959): block of a response. */
    public static final int BLOCK2 = 23;
    /** Block1 (RFC 7959): block of a request (not supported by the server). */
    public static final int BLOCK1 = 27;
    /** Size2 (RFC 7959): total size of a response representation. */
    public static final int SIZE2 = 28;
    /** Proxy-Uri. */
    public static final int PROXY_URI = 35;
    /** Proxy-Scheme. */
    public static final int PROXY_SCHEME = 39;
    /** Size1. */
    public static final int SIZE1 = 60;

    private OptionNumber() {
    }

    /**
     * Whether an option is critical: odd numbers are (RFC 7252 section 5.4.6).
     *
     * @param number the option number
     * @return true when a receiver that does not understand it must reject the message
     */
    public static boolean isCritical(int number) {
        return (number & 1) != 0;
    }
}
