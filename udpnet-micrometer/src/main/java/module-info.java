/** Micrometer meter binders for udpnet's servers and clients. */
module io.udpnet.micrometer {
    requires transitive io.udpnet;
    requires transitive micrometer.core;

    exports io.udpnet.micrometer;
}
