/**
 * udpnet core: the wire codecs, the sans-IO protocol engine, the I/O layer and the servers and clients built on it,
 * and the test tools (the deterministic simulator and the impairment relay). Depends on nothing beyond the JDK. A
 * native Linux I/O implementation is found as a service of {@link io.udpnet.io.DatagramIo} where its module
 * ({@code io.udpnet.nativeio}) is present.
 */
module io.udpnet {
    requires jdk.net;
    // JDK Flight Recorder events (io.udpnet.jfr): part of every JDK, costs a check per event when not recording.
    requires jdk.jfr;

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

    // The events' classes are internal; recordings name them io.udpnet.* (see io.udpnet.jfr.UdpnetEvents).
    exports io.udpnet.jfr to jdk.jfr;

    uses io.udpnet.io.DatagramIo;
}
