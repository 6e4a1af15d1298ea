package io.udpnet.cli;

import io.udpnet.dtls.DtlsCredentials;
import io.udpnet.dtls.DtlsTrust;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The DTLS options of {@code client}: whether to connect over DTLS, and how to trust the server; checked together. */
final class DtlsTrustOptions {
    @Option(names = "--dtls", description = "connect over DTLS 1.2 (to 'server --dtls'); trusts the system's CAs "
            + "unless --fingerprint, --trust or --insecure says otherwise")
    boolean dtls;

    @Option(names = "--fingerprint", paramLabel = "SHA256",
            description = "with --dtls: trust exactly the server certificate with this SHA-256 fingerprint "
                    + "(hex, colons optional), as 'server --dtls' prints it")
    String fingerprint;

    @Option(names = "--trust", paramLabel = "FILE",
            description = "with --dtls: trust certificates issued by those in this PEM file (the host name is checked)")
    Path trustFile;

    @Option(names = "--insecure", description = "with --dtls: trust any server certificate (encrypted, but not "
            + "authenticated: for tests only)")
    boolean insecure;

    /**
     * Checks the options together and loads the trust file.
     *
     * @return how to trust the server, or null without --dtls
     * @throws IllegalArgumentException naming what is wrong
     */
    DtlsTrust trust() {
        int given = (fingerprint != null ? 1 : 0) + (trustFile != null ? 1 : 0) + (insecure ? 1 : 0);
        if (!dtls) {
            if (given > 0) {
                throw new IllegalArgumentException("--fingerprint, --trust and --insecure need --dtls");
            }
            return null;
        }
        if (given > 1) {
            throw new IllegalArgumentException("--fingerprint, --trust and --insecure exclude each other");
        }
        if (fingerprint != null) {
            String hex = fingerprint.replace(":", "");
            if (!hex.matches("(?i)[0-9a-f]{64}")) {
                throw new IllegalArgumentException("--fingerprint: 64 hex digits (SHA-256) expected, got "
                        + fingerprint);
            }
            return DtlsTrust.pinned(fingerprint);
        }
        if (trustFile != null) {
            try {
                return DtlsTrust.certificates(DtlsCredentials.readCertificates(trustFile));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("--trust " + trustFile + ": "
                        + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
            }
        }
        return insecure ? DtlsTrust.insecureTrustAll() : DtlsTrust.systemDefault();
    }
}
