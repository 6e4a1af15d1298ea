package io.udpnet.dtls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private key and its certificate chain (leaf first), the identity a DTLS server (or a client that authenticates)
 * presents. Load it from a PKCS#12 file or from PEM files, or generate a self-signed one.
 *
 * @param privateKey the key
 * @param chain      the certificates, leaf first; at least one
 */
public record DtlsCredentials(PrivateKey privateKey, X509Certificate[] chain) {
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");

    /**
     * Checks the parts.
     *
     * @param privateKey the key
     * @param chain      at least one certificate
     */
    public DtlsCredentials {
        Objects.requireNonNull(privateKey, "privateKey");
        if (chain == null || chain.length == 0) {
            throw new IllegalArgumentException("a certificate chain needs at least one certificate");
        }
        chain = chain.clone();
    }

    /** @return a copy of the chain, leaf first */
    @Override
    public X509Certificate[] chain() {
        return chain.clone();
    }

    /** @return the leaf certificate */
    public X509Certificate certificate() {
        return chain[0];
    }

    /**
     * The SHA-256 fingerprint of the leaf certificate, as openssl prints it ({@code AB:CD:...}).
     *
     * @return 32 hexadecimal pairs separated by colons
     */
    public String fingerprint() {
        return fingerprint(chain[0]);
    }

    /**
     * The SHA-256 fingerprint of a certificate's DER encoding.
     *
     * @param cert the certificate
     * @return 32 upper-case hexadecimal pairs separated by colons
     */
    public static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing or the certificate cannot be encoded", e);
        }
    }

    /**
     * Generates an EC P-256 key and a self-signed certificate for it, valid for a year.
     *
     * @param commonName the subject name (also its DNS subject alternative name), ASCII
     * @return the credentials
     */
    public static DtlsCredentials selfSigned(String commonName) {
        try {
            return SelfSignedCertificate.generate(commonName, Duration.ofDays(365), new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC P-256 self-signed certificate", e);
        }
    }

    /**
     * Reads the first key entry of a PKCS#12 file.
     *
     * @param file     the file
     * @param password the store's and the key's password (may be empty)
     * @return the credentials
     * @throws IOException when the file cannot be read, the password is wrong, or it holds no key entry
     */
    public static DtlsCredentials fromPkcs12(Path file, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
                String alias = e.nextElement();
                if (ks.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) ks.getKey(alias, password);
                    Certificate[] certs = ks.getCertificateChain(alias);
                    if (key != null && certs != null && certs.length > 0) {
                        return new DtlsCredentials(key, toX509(List.of(certs), file));
                    }
                }
            }
            throw new IOException(file + " holds no private key entry with a certificate chain");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read PKCS#12 file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a certificate chain and a private key from PEM files. The key must be unencrypted PKCS#8
     * ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey} and OpenSSL 3's {@code req -nodes} write); EC, RSA,
     * Ed25519 and Ed448 keys are recognised.
     *
     * @param certificates a PEM file with the chain, leaf first
     * @param privateKey   a PEM file with the key
     * @return the credentials
     * @throws IOException when a file cannot be read or parsed
     */
    public static DtlsCredentials fromPem(Path certificates, Path privateKey) throws IOException {
        X509Certificate[] chain = readCertificates(certificates);
        String pem = Files.readString(privateKey, StandardCharsets.US_ASCII);
        Matcher m = PEM_KEY.matcher(pem);
        if (!m.find()) {
            throw new IOException(privateKey + " holds no PEM private key");
        }
        if (!m.group(1).isEmpty()) {
            throw new IOException(privateKey + " holds a '" + m.group(1).trim() + "' key; convert it to unencrypted "
                    + "PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {chain[0].getPublicKey().getAlgorithm(), "EC", "RSA", "Ed25519", "Ed448"}) {
            try {
                return new DtlsCredentials(KeyFactory.getInstance(algorithm).generatePrivate(spec), chain);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException(privateKey + " holds a PKCS#8 key of an algorithm this JDK cannot read");
    }

    /**
     * Reads every certificate of a PEM (or DER) file.
     *
     * @param file the file
     * @return the certificates in file order
     * @throws IOException when the file cannot be read or holds no certificate
     */
    public static X509Certificate[] readCertificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return toX509(new ArrayList<>(certs), file);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The credentials as an in-memory key store with one entry, {@code udpnet}, protected by {@code password}.
     *
     * @param password the entry's password
     * @return the key store
     */
    KeyStore toKeyStore(char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("udpnet", privateKey, password, chain);
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the key in a key store", e);
        }
    }

    private static X509Certificate[] toX509(List<? extends Certificate> certs, Path file) throws IOException {
        X509Certificate[] out = new X509Certificate[certs.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(certs.get(i) instanceof X509Certificate x)) {
                throw new IOException(file + " holds a certificate that is not X.509");
            }
            out[i] = x;
        }
        return out;
    }

    /** Names the certificate only: the key never appears in logs. */
    @Override
    public String toString() {
        return "DtlsCredentials[" + chain[0].getSubjectX500Principal() + ", SHA-256 " + fingerprint() + "]";
    }

    /**
     * Encodes the leaf certificate as PEM.
     *
     * @return the PEM text
     */
    public String certificatePem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(chain[0].getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
