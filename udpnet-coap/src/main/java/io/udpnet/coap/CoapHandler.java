package io.udpnet.coap;

/**
 * Handles requests for one method of one resource. Runs on a virtual thread, so it may block; if it takes longer
 * than {@link CoapConfig#separateResponseAfter()} the client gets an empty ACK first and the response separately.
 */
@FunctionalInterface
public interface CoapHandler {

    /**
     * Answers a request.
     *
     * @param request the request
     * @return the response; an exception becomes 5.00 Internal Server Error
     */
    CoapResponse handle(CoapRequest request);
}
