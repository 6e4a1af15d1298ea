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

    /** @return the method code: {@link CoapCode#GET}, {@link CoapCode#POST}, {@link CoapCode#PUT}, {@link CoapCode#DELETE} */
    public int method() {
        return message.code();
    }

    /** @return the path, for example {@code /hello} */
    public String path() {
        return message.uriPath();
    }

    /** @return the Uri-Query items */
    public List<String> query() {
        return message.uriQuery();
    }

    /** @return the Accept option, or -1 when absent */
    public int accept() {
        return (int) message.uintOption(OptionNumber.ACCEPT);
    }

    /** @return the Content-Format option, or -1 when absent */
    public int contentFormat() {
        return (int) message.uintOption(OptionNumber.CONTENT_FORMAT);
    }

    /** @return the payload; do not modify */
    public byte[] payload() {
        return message.payload();
    }

    /** @return the payload as UTF-8 text */
    public String payloadText() {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }
}
