/**
 * Small runnable programs on udpnet's public API, each with a {@code main} that runs on loopback by default: a chat
 * server and client, a game-style state sync, a file transfer and a raw datagram protocol on {@code UdpServer}.
 */
module io.udpnet.examples {
    requires io.udpnet;

    exports io.udpnet.examples;
    exports io.udpnet.examples.chat;
    exports io.udpnet.examples.sync;
    exports io.udpnet.examples.files;
    exports io.udpnet.examples.raw;
}
