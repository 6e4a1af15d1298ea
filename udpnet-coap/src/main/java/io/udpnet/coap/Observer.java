package io.udpnet.coap;

import io.udpnet.coap.message.CoapMessage;

/**
 * One registered observation (RFC 7641): a peer, its token, and the GET that registered (notifications are made by
 * running that GET again). Mutable fields are guarded by this object's monitor.
 */
final class Observer {
    final PeerHandler peer;
    final CoapResource resource;
    final byte[] token;
    final CoapMessage request;
    /** The registration's datagram size, which bounds notifications while the peer is not verified. */
    final int requestSize;
    /** Notifications sent, to make every n-th one confirmable. */
    int sent;
    /** The message ID of the latest notification, so that a RST for it (NON too) ends the observation. */
    volatile int lastMessageId = -1;
    /** The confirmable notification still waiting for its ACK, or null. */
    Outgoing inFlight;

    Observer(PeerHandler peer, CoapResource resource, byte[] token, CoapMessage request, int requestSize) {
        this.peer = peer;
        this.requestSize = requestSize;
        this.resource = resource;
        this.token = token;
        this.request = request;
    }

    boolean sameRegistration(PeerHandler p, byte[] t) {
        return peer == p && java.util.Arrays.equals(token, t);
    }
}
