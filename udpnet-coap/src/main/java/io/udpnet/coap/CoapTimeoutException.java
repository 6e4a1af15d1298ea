package io.udpnet.coap;

import java.io.IOException;

/** A request got no acknowledgement or no response in time. */
public final class CoapTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what timed out
     */
    public CoapTimeoutException(String message) {
        super(message);
    }
}
