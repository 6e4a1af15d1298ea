package io.udpnet.dtls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which peer certificates a DTLS endpoint accepts: the system's default CAs, the CAs of a trust store or of given
 * certificates, certificates pinned by their SHA-256 fingerprint (any issuer, self-signed included), or, for tests
 * only, anything.
 */
public final class DtlsTrust {
    private final TrustManager[] managers;
    private final boolean checksNames;
    private final String description;

    private DtlsTrust(TrustManager[] managers, boolean checksNames, String description) {
        this.managers = managers;
        this.checksNames = checksNames;
        this.description = description;
    }

    /**
     * The JDK's default trust store (its {@code cacerts}, or {@code javax.net.ssl.trustStore}); a client checks
     * that the server's certificate names the host it connected to.
     *
     * @return the trust
     */
    public static DtlsTrust systemDefault() {
        return new DtlsTrust(null, true, "system default CAs");
    }

    /**
     * Trusts certificates issued by (or equal to) the given ones; a client checks the host name.
     *
     * @param anchors the trusted certificates
     * @return the trust
     */
    public static DtlsTrust certificates(X509Certificate... anchors) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < anchors.length; i++) {
                ks.setCertificateEntry("anchor-" + i, anchors[i]);
            }
            return new DtlsTrust(fromKeyStore(ks), true, anchors.length + " trusted certificates");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the trusted certificates", e);
        }
    }

    /**
     * Trusts the certificates of a trust store file (PKCS#12 or JKS); a client checks the host name.
     *
     * @param file     the store
     * @param password its password, or null
     * @return the trust
     * @throws IOException when it cannot be read
     */
    public static DtlsTrust trustStore(Path file, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(in, password);
            return new DtlsTrust(fromKeyStore(ks), true, "trust store " + file);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read trust store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Accepts exactly the certificates whose SHA-256 fingerprint is given (the leaf's), whoever issued them: the
     * way to trust a self-signed server, with the fingerprint it logs.
     *
     * @param sha256Fingerprints fingerprints as hexadecimal, with or without colons, any case
     * @return the trust
     */
    public static DtlsTrust pinned(String... sha256Fingerprints) {
        Set<String> pins = List.of(sha256Fingerprints).stream().map(DtlsTrust::normalise).collect(Collectors.toSet());
        for (String p : pins) {
            if (!p.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("not a SHA-256 fingerprint: " + p);
            }
        }
        return new DtlsTrust(new TrustManager[] {new Check(pins)}, false, pins.size() + " pinned certificates");
    }

    /**
     * Accepts any certificate. Encryption without authentication: for tests against throw-away servers only.
     *
     * @return the trust
     */
    public static DtlsTrust insecureTrustAll() {
        return new DtlsTrust(new TrustManager[] {new Check(null)}, false, "any certificate (insecure)");
    }

    /** @return the trust managers for an SSLContext, or null for the JDK's default */
    TrustManager[] managers() {
        return managers == null ? null : managers.clone();
    }

    /** @return whether a client should check that the server's certificate names the host */
    boolean checksNames() {
        return checksNames;
    }

    @Override
    public String toString() {
        return description;
    }

    static String normalise(String fingerprint) {
        return fingerprint.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private static TrustManager[] fromKeyStore(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers();
    }

    /** Pinning (or, with null pins, no check at all). Extended, so the JDK adds no checks of its own. */
    private static final class Check extends X509ExtendedTrustManager {
        private final Set<String> pins;

        Check(Set<String> pins) {
            this.pins = pins;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("no certificate");
            }
            if (pins != null && !pins.contains(normalise(DtlsCredentials.fingerprint(chain[0])))) {
                throw new CertificateException("certificate " + DtlsCredentials.fingerprint(chain[0])
                        + " is not pinned");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
