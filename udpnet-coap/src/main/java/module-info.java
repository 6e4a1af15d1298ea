/**
 * CoAP (RFC 7252) on udpnet: a server that serves its resources on any {@link io.udpnet.transport.UdpServer}
 * (so plain {@code coap://} and, with a DTLS-configured server, {@code coaps://} share the same resource code), and a
 * client over a {@link io.udpnet.coap.DatagramPipe}. Block-wise transfer (RFC 7959) and Observe (RFC 7641).
 */
module io.udpnet.coap {
    requires transitive io.udpnet;

    exports io.udpnet.coap;
    exports io.udpnet.coap.message;
}
