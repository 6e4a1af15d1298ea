/** The udpnet command-line tool. */
module io.udpnet.cli {
    requires io.udpnet;
    requires info.picocli;
    opens io.udpnet.cli to info.picocli;
}
