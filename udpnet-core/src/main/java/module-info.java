/**
 * udpnet core: wire codecs, the sans-IO protocol engine, the network simulator and the UDP transports.
 */
module io.udpnet {
    exports io.udpnet;
    exports io.udpnet.wire;
    exports io.udpnet.engine;
    exports io.udpnet.sim;
    exports io.udpnet.transport;
    exports io.udpnet.messaging;
}
