package io.udpnet.coap.message;

/**
 * CoAP method and response codes (RFC 7252 section 12.1), as the 8-bit wire value {@code class << 5 | detail}.
 * Constants only the ones this implementation uses or answers with.
 */
public final class CoapCode {
    /** 0.00: an empty message (ACK or RST without content, or a CON ping). */
    public static final int EMPTY = 0;
    /** 0.01 GET. */
    public static final int GET = 1;
    /** 0.02 POST. */
    public static final int POST = 2;
    /** 0.03 PUT. */
    public static final int PUT = 3;
    /** 0.04 DELETE. */
    public static final int DELETE = 4;
    /** 2.01 Created. */
    public static final int CREATED = code(2, 1);
    /** 2.02 Deleted. */
    public static final int DELETED = code(2, 2);
    /** 2.03 Valid. */
    public static final int VALID = code(2, 3);
    /** 2.04 Changed. */
    public static final int CHANGED = code(2, 4);
    /** 2.05 Content. */
    public static final int CONTENT = code(2, 5);
    /** 2.31 Continue (RFC 7959). */
    public static final int CONTINUE = code(2, 31);
    /** 4.00 Bad Request. */
    public static final int BAD_REQUEST = code(4, 0);
    /** 4.02 Bad Option. */
    public static final int BAD_OPTION = code(4, 2);
    /** 4.04 Not Found. */
    public static final int NOT_FOUND = code(4, 4);
    /** 4.05 Method Not Allowed. */
    public static final int METHOD_NOT_ALLOWED = code(4, 5);
    /** 4.06 Not Acceptable. */
    public static final int NOT_ACCEPTABLE = code(4, 6);
    /** 4.08 Request Entity Incomplete (RFC 7959). */
    public static final int REQUEST_ENTITY_INCOMPLETE = code(4, 8);
    /** 4.13 Request Entity Too Large. */
    public static final int REQUEST_ENTITY_TOO_LARGE = code(4, 13);
    /** 4.15 Unsupported Content-Format. */
    public static final int UNSUPPORTED_CONTENT_FORMAT = code(4, 15);
    /** 5.00 Internal Server Error. */
    public static final int INTERNAL_SERVER_ERROR = code(5, 0);
    /** 5.01 Not Implemented. */
    public static final int NOT_IMPLEMENTED = code(5, 1);
    /** 5.03 Service Unavailable. */
    public static final int SERVICE_UNAVAILABLE = code(5, 3);
    /** 5.05 Proxying Not Supported. */
    public static final int PROXYING_NOT_SUPPORTED = code(5, 5);

    private CoapCode() {
    }

    /**
     * Builds a code from its class and detail.
     *
     * @param codeClass 0..7
     * @param detail 0..31
     * @return the wire value
     */
    public static int code(int codeClass, int detail) {
        if (codeClass < 0 || codeClass > 7 || detail < 0 || detail > 31) {
            throw new IllegalArgumentException("code " + codeClass + "." + detail);
        }
        return codeClass << 5 | detail;
    }

    /**
     * The class of a code (0 request, 2 success, 4 client error, 5 server error).
     *
     * @param code the wire value
     * @return the class
     */
    public static int codeClass(int code) {
        return (code >>> 5) & 7;
    }

    /**
     * Whether a code is a request (method) code.
     *
     * @param code the wire value
     * @return true for 0.01..0.31
     */
    public static boolean isRequest(int code) {
        return code > 0 && code < 32;
    }

    /**
     * Whether a code is a response code (classes 2, 4 and 5).
     *
     * @param code the wire value
     * @return true for a response
     */
    public static boolean isResponse(int code) {
        int c = codeClass(code);
        return c == 2 || c == 4 || c == 5;
    }

    /**
     * The dotted form, for example {@code 2.05}.
     *
     * @param code the wire value
     * @return the text
     */
    public static String toString(int code) {
        int d = code & 31;
        return codeClass(code) + "." + (d < 10 ? "0" : "") + d;
    }
}
