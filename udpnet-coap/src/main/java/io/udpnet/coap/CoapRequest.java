package io.udpnet.coap;

import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.OptionNumber;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A request as a resource handler sees it.
 *
 * @param message the whole message, for any option
 * @param source the client's address
 */
public record CoapRequest(CoapMessage message, InetSocketAddress source) {

    /**
     * Returns the method code: {@link CoapCode#GET}, {@link CoapCode#POST}, {@link CoapCode#PUT} or
     * {@link CoapCode#DELETE}.
     *
     * @return the method code
     */
    public int method() {
        return message.code();
    }

    /**
     * Returns the path, for example {@code /hello}.
     *
     * @return the path, for example {@code /hello}
     */
    public String path() {
        return message.uriPath();
    }

    /**
     * Returns the Uri-Query items.
     *
     * @return the Uri-Query items
     */
    public List<String> query() {
        return message.uriQuery();
    }

    /**
     * Returns the Accept option, or -1 when absent.
     *
     * @return the Accept option, or -1 when absent
     */
    public int accept() {
        return (int) message.uintOption(OptionNumber.ACCEPT);
    }

    /**
     * Returns the Content-Format option, or -1 when absent.
     *
     * @return the Content-Format option, or -1 when absent
     */
    public int contentFormat() {
        return (int) message.uintOption(OptionNumber.CONTENT_FORMAT);
    }

    /**
     * Returns the payload; do not modify.
     *
     * @return the payload; do not modify
     */
    public byte[] payload() {
        return message.payload();
    }

    /**
     * Returns the payload as UTF-8 text.
     *
     * @return the payload as UTF-8 text
     */
    public String payloadText() {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }
}
