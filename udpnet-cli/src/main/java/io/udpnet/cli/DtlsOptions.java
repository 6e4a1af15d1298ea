package io.udpnet.cli;

import io.udpnet.dtls.DtlsCredentials;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The DTLS options of {@code server}: whether to serve DTLS (raw echo or secure chat), the key files; checked together. */
final class DtlsOptions {
    @Option(names = "--dtls", description = "serve DTLS 1.2: secure chat (clients need 'client --dtls'), or with "
            + "--raw an encrypted echo server")
    boolean dtls;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "with --dtls: the certificate chain, PEM, leaf first (needs --key)")
    Path certFile;

    @Option(names = "--key", paramLabel = "FILE",
            description = "with --dtls: the private key, unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY)")
    Path keyFile;

    @Option(names = "--pkcs12", paramLabel = "FILE", description = "with --dtls: a PKCS#12 file with key and chain")
    Path pkcs12File;

    @Option(names = "--password", paramLabel = "TEXT", description = "the password of --pkcs12 (default: empty)")
    String password;

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
    void check(boolean raw, Integer maxDatagram) {
        boolean files = certFile != null || keyFile != null || pkcs12File != null || password != null;
        if (!dtls) {
            if (files) {
                throw new IllegalArgumentException("--cert, --key, --pkcs12 and --password need --dtls");
            }
            return;
        }
        if (maxDatagram != null && (maxDatagram < 256 || maxDatagram > 16_384)) {
            throw new IllegalArgumentException("--max-datagram with --dtls: 256..16384 bytes expected, got "
                    + maxDatagram);
        }
        if (pkcs12File != null && (certFile != null || keyFile != null)) {
            throw new IllegalArgumentException("--pkcs12 and --cert/--key exclude each other");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--cert and --key go together");
        }
        if (password != null && pkcs12File == null) {
            throw new IllegalArgumentException("--password applies to --pkcs12 only");
        }
        try {
            if (pkcs12File != null) {
                credentials = DtlsCredentials.fromPkcs12(pkcs12File,
                        password == null ? new char[0] : password.toCharArray());
            } else if (certFile != null) {
                credentials = DtlsCredentials.fromPem(certFile, keyFile);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }
}
