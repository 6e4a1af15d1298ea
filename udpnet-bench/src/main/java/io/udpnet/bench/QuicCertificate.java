package io.udpnet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The QUIC server's self-signed certificate, made once per process by the JDK's {@code keytool} (an EC P-256 key,
 * CN=localhost, valid 2 days) into a temporary PKCS#12 store that is read back and deleted. keytool rather than
 * Netty's {@code SelfSignedCertificate}, which needs BouncyCastle or JDK internals on current JDKs.
 *
 * @param key         the private key
 * @param certificate the certificate
 */
record QuicCertificate(PrivateKey key, X509Certificate certificate) {
    private static final String ALIAS = "quic";
    private static QuicCertificate made;

    /**
     * The certificate, made on first use.
     *
     * @throws Peers.Unavailable when keytool is missing or fails
     */
    static synchronized QuicCertificate get() throws Peers.Unavailable {
        if (made == null) {
            made = make();
        }
        return made;
    }

    private static QuicCertificate make() throws Peers.Unavailable {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new Peers.Unavailable("no keytool at " + keytool + " to make the server's certificate");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("udpnet-quic");
            Path store = dir.resolve("server.p12");
            // Only this store's integrity: the key is thrown away with the process.
            String password = Long.toHexString(new java.security.SecureRandom().nextLong());
            Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                    "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", password,
                    "-keypass", password)).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new Peers.Unavailable("keytool could not make the server's certificate: " + output.trim());
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, password.toCharArray());
            }
            return new QuicCertificate((PrivateKey) ks.getKey(ALIAS, password.toCharArray()),
                    (X509Certificate) ks.getCertificate(ALIAS));
        } catch (Peers.Unavailable e) {
            throw e;
        } catch (Exception e) {
            throw new Peers.Unavailable("could not make the server's certificate: " + e);
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve("server.p12"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
