package io.udpnet.coap.message;

/** Content-Format numbers (RFC 7252 section 12.3) that this implementation names. */
public final class ContentFormat {
    /** text/plain; charset=utf-8. */
    public static final int TEXT_PLAIN = 0;
    /** application/link-format (RFC 6690). */
    public static final int LINK_FORMAT = 40;
    /** application/xml. */
    public static final int XML = 41;
    /** application/octet-stream. */
    public static final int OCTET_STREAM = 42;
    /** application/json. */
    public static final int JSON = 50;
    /** application/cbor. */
    public static final int CBOR = 60;

    private ContentFormat() {
    }
}
