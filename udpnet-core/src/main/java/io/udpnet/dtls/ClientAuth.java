package io.udpnet.dtls;

/** Whether a DTLS server asks its clients for a certificate. */
public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A certificate is asked for; a client without one is still accepted, one with an untrusted one is not. */
    WANT,
    /** A trusted client certificate is required. */
    NEED
}
