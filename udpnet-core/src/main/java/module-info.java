/**
 * udpnet core: the wire codecs, the sans-IO protocol engine, the I/O layer and the servers and clients built on it,
 * and the test tools (the deterministic simulator and the impairment relay). Depends on nothing beyond the JDK. A
 * native Linux I/O implementation is found as a service of {@link io.udpnet.io.DatagramIo} where its module
 * ({@code io.udpnet.nativeio}) is present.
 */
module io.udpnet {
    requires jdk.net;

    // Configuration and the protocol.
    exports io.udpnet;
    exports io.udpnet.wire;
    exports io.udpnet.engine;
    // Sockets, servers and clients.
    exports io.udpnet.io;
    exports io.udpnet.dtls;
    exports io.udpnet.transport;
    exports io.udpnet.messaging;
    // Test tools: impaired links in virtual time (sim) and in real time (impair).
    exports io.udpnet.impair;
    exports io.udpnet.sim;

    uses io.udpnet.io.DatagramIo;
}
