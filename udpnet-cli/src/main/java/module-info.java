/** The udpnet command-line tool. */
module io.udpnet.cli {
    requires io.udpnet;
    requires io.udpnet.coap;
    requires info.picocli;
    opens io.udpnet.cli to info.picocli;
}
