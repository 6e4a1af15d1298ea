package io.udpnet.coap;

import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.ContentFormat;
import io.udpnet.coap.message.OptionNumber;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A response: what a resource handler returns on the server, and what a request yields on the client.
 *
 * @param code the response code, see {@link CoapCode}
 * @param payload the payload, possibly empty
 * @param contentFormat the Content-Format, or -1 for none
 * @param maxAge the Max-Age in seconds, or -1 to leave it out (the RFC's default of 60 s then applies)
 * @param etag the ETag (1..8 bytes), or {@code null}
 */
public record CoapResponse(int code, byte[] payload, int contentFormat, long maxAge, byte[] etag) {

    /** Checks the values. */
    public CoapResponse {
        if (!CoapCode.isResponse(code)) {
            throw new IllegalArgumentException("not a response code: " + CoapCode.toString(code));
        }
        Objects.requireNonNull(payload, "payload");
        if (etag != null && (etag.length < 1 || etag.length > 8)) {
            throw new IllegalArgumentException("ETag of " + etag.length + " bytes");
        }
    }

    /**
     * A response with a code and no payload.
     *
     * @param code the code
     * @return the response
     */
    public static CoapResponse of(int code) {
        return new CoapResponse(code, new byte[0], -1, -1, null);
    }

    /**
     * 2.05 Content with a text payload (text/plain; charset=utf-8).
     *
     * @param text the text
     * @return the response
     */
    public static CoapResponse text(String text) {
        return new CoapResponse(CoapCode.CONTENT, text.getBytes(StandardCharsets.UTF_8), ContentFormat.TEXT_PLAIN,
                -1, null);
    }

    /**
     * A response with a code, a payload and a Content-Format.
     *
     * @param code the code
     * @param payload the bytes
     * @param contentFormat the format, or -1
     * @return the response
     */
    public static CoapResponse of(int code, byte[] payload, int contentFormat) {
        return new CoapResponse(code, payload, contentFormat, -1, null);
    }

    /**
     * A copy with a Max-Age.
     *
     * @param seconds the Max-Age
     * @return the copy
     */
    public CoapResponse withMaxAge(long seconds) {
        return new CoapResponse(code, payload, contentFormat, seconds, etag);
    }

    /**
     * A copy with an ETag.
     *
     * @param tag 1..8 bytes
     * @return the copy
     */
    public CoapResponse withEtag(byte[] tag) {
        return new CoapResponse(code, payload, contentFormat, maxAge, tag);
    }

    /**
     * Returns the payload as UTF-8 text.
     *
     * @return the payload as UTF-8 text
     */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /**
     * Returns true for a 2.xx code.
     *
     * @return true for a 2.xx code
     */
    public boolean isSuccess() {
        return CoapCode.codeClass(code) == 2;
    }

    /**
     * Reads a response from a received message (its payload only, not re-assembled blocks).
     *
     * @param m the message
     * @return the response
     */
    static CoapResponse fromMessage(CoapMessage m, byte[] payload) {
        var etagOpt = m.option(OptionNumber.ETAG);
        byte[] etag = etagOpt == null || etagOpt.value().length == 0 || etagOpt.value().length > 8
                ? null : etagOpt.value();
        return new CoapResponse(m.code(), payload, (int) m.uintOption(OptionNumber.CONTENT_FORMAT),
                m.uintOption(OptionNumber.MAX_AGE), etag);
    }

    @Override
    public String toString() {
        return CoapCode.toString(code) + " " + payload.length + "B";
    }
}
