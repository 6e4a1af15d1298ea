/** The udpnet command-line tool. */
module io.udpnet.cli {
    requires io.udpnet;
    requires io.udpnet.coap;
    requires info.picocli;
    // server --metrics: the JDK's built-in HTTP server.
    requires jdk.httpserver;
    opens io.udpnet.cli to info.picocli;
}
