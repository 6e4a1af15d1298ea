/**
 * udpnet core: wire codecs, the sans-IO protocol engine, the network simulator, the I/O layer and the UDP servers
 * and clients built on it. A native Linux I/O implementation is found through {@link io.udpnet.io.DatagramIo} as a
 * service where its module is present.
 */
module io.udpnet {
    requires jdk.net;

    exports io.udpnet;
    exports io.udpnet.wire;
    exports io.udpnet.engine;
    exports io.udpnet.sim;
    exports io.udpnet.io;
    exports io.udpnet.transport;
    exports io.udpnet.messaging;

    uses io.udpnet.io.DatagramIo;
}
