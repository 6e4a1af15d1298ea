package io.udpnet.cli;

import io.udpnet.dtls.DtlsCredentials;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The key-file options of a DTLS server ({@code server --dtls}, {@code coap-server}'s {@code coaps://} port): a PEM
 * pair or a PKCS#12 file, or none for a self-signed certificate; checked together.
 */
final class DtlsKeyFiles {
    @Option(names = "--cert", paramLabel = "FILE",
            description = "DTLS certificate chain, PEM, leaf first (needs --key); default: self-signed")
    Path certFile;

    @Option(names = "--key", paramLabel = "FILE",
            description = "the private key of --cert, unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY)")
    Path keyFile;

    @Option(names = "--pkcs12", paramLabel = "FILE", description = "DTLS key and chain from a PKCS#12 file")
    Path pkcs12File;

    @Option(names = "--password", paramLabel = "TEXT", description = "the password of --pkcs12 (default: empty)")
    String password;

    /** @return whether any of the options was given */
    boolean given() {
        return certFile != null || keyFile != null || pkcs12File != null || password != null;
    }

    /**
     * Checks the options together and loads the files: a file that cannot be read is a bad argument.
     *
     * @return the identity from the files, or null when none were given (a self-signed one is made)
     * @throws IllegalArgumentException naming what is wrong
     */
    DtlsCredentials load() {
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
                return DtlsCredentials.fromPkcs12(pkcs12File, password == null ? new char[0] : password.toCharArray());
            }
            return certFile == null ? null : DtlsCredentials.fromPem(certFile, keyFile);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }
}
