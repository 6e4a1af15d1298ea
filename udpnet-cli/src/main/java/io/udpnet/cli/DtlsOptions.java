package io.udpnet.cli;

import io.udpnet.dtls.DtlsCredentials;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The DTLS options of {@code server}: whether to serve DTLS (raw echo or secure chat), and its key files. */
final class DtlsOptions {
    @Option(names = "--dtls", description = "serve DTLS 1.2: secure chat (clients need 'client --dtls'), or with "
            + "--raw an encrypted echo server")
    boolean dtls;

    @Mixin
    DtlsKeyFiles keys;

    /** The identity from the files given, or null for a self-signed one; set by {@link #check}. */
    private DtlsCredentials credentials;

    DtlsCredentials credentials() {
        return credentials;
    }

    /**
     * Checks the options together and loads the key files: a file that cannot be read is a bad argument.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    void check(Integer maxDatagram) {
        if (!dtls) {
            if (keys.given()) {
                throw new IllegalArgumentException("--cert, --key, --pkcs12 and --password need --dtls");
            }
            return;
        }
        if (maxDatagram != null && (maxDatagram < 256 || maxDatagram > 16_384)) {
            throw new IllegalArgumentException("--max-datagram with --dtls: 256..16384 bytes expected, got "
                    + maxDatagram);
        }
        credentials = keys.load();
    }
}
