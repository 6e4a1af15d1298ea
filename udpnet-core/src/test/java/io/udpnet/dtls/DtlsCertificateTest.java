package io.udpnet.dtls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DER encoder and the self-signed certificate, checked by the JDK's own parser and verifier; key loading. */
class DtlsCertificateTest {

    @Test
    void derEncodingsMatchKnownBytes() {
        assertEquals("06072a8648ce3d0201", HexFormat.of().formatHex(Der.oid("1.2.840.10045.2.1")));
        assertEquals("020100", HexFormat.of().formatHex(Der.integer(0)));
        assertEquals("02020080", HexFormat.of().formatHex(Der.integer(128)));
        assertEquals("02020080", HexFormat.of().formatHex(Der.unsignedInteger(new byte[] {0, 0, (byte) 0x80})));
        byte[] long200 = Der.octetString(new byte[200]);
        assertEquals("0481c8", HexFormat.of().formatHex(long200, 0, 3));
        byte[] long300 = Der.octetString(new byte[300]);
        assertEquals("0482012c", HexFormat.of().formatHex(long300, 0, 4));
        assertEquals("170d3236303130323033303430355a", HexFormat.of().formatHex(
                Der.time(java.time.ZonedDateTime.parse("2026-01-02T03:04:05Z"))));
        assertEquals("180f32303530303130323033303430355a", HexFormat.of().formatHex(
                Der.time(java.time.ZonedDateTime.parse("2050-01-02T03:04:05Z"))));
    }

    @Test
    void theSelfSignedCertificateParsesAndItsSignatureVerifies() throws Exception {
        DtlsCredentials c = DtlsCredentials.selfSigned("udpnet-test");
        X509Certificate cert = c.certificate();
        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(cert.getEncoded()));
        parsed.checkValidity();
        parsed.verify(parsed.getPublicKey());
        assertEquals(3, parsed.getVersion());
        assertEquals("CN=udpnet-test", parsed.getSubjectX500Principal().getName());
        assertEquals(parsed.getSubjectX500Principal(), parsed.getIssuerX500Principal());
        assertEquals("SHA256withECDSA", parsed.getSigAlgName());
        assertEquals(-1, parsed.getBasicConstraints());
        assertTrue(parsed.getSubjectAlternativeNames().iterator().next().contains("udpnet-test"));
        assertTrue(parsed.getPublicKey() instanceof ECPublicKey);
        assertTrue(parsed.getSerialNumber().signum() > 0);
        // The key belongs to the certificate.
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(c.privateKey());
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(parsed.getPublicKey());
        s.update(new byte[] {1, 2, 3});
        assertTrue(s.verify(sig));
        assertEquals(95, c.fingerprint().length());
    }

    @Test
    void credentialsLoadFromPemAndPkcs12(@TempDir Path dir) throws Exception {
        DtlsCredentials c = DtlsCredentials.selfSigned("localhost");
        Path cert = Files.writeString(dir.resolve("cert.pem"), c.certificatePem());
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(c.privateKey().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        DtlsCredentials pem = DtlsCredentials.fromPem(cert, key);
        assertEquals(c.fingerprint(), pem.fingerprint());
        assertArrayEquals(c.privateKey().getEncoded(), pem.privateKey().getEncoded());

        char[] pw = "secret".toCharArray();
        KeyStore ks = c.toKeyStore(pw);
        Path p12 = dir.resolve("id.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            ks.store(out, pw);
        }
        assertEquals(c.fingerprint(), DtlsCredentials.fromPkcs12(p12, pw).fingerprint());
        assertThrows(java.io.IOException.class, () -> DtlsCredentials.fromPkcs12(p12, "wrong".toCharArray()));

        Path sec1 = Files.writeString(dir.resolve("ec.pem"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> DtlsCredentials.fromPem(cert, sec1));
        assertTrue(e.getMessage().contains("PKCS#8"), e.getMessage());
        assertThrows(java.io.IOException.class, () -> DtlsCredentials.fromPem(dir.resolve("missing.pem"), key));
    }

    @Test
    void pinningAcceptsOnlyThePinnedCertificate() throws Exception {
        DtlsCredentials a = DtlsCredentials.selfSigned("a");
        DtlsCredentials b = DtlsCredentials.selfSigned("b");
        javax.net.ssl.X509TrustManager tm = (javax.net.ssl.X509TrustManager) DtlsTrust.pinned(a.fingerprint())
                .managers()[0];
        tm.checkServerTrusted(a.chain(), "EC");
        assertThrows(java.security.cert.CertificateException.class, () -> tm.checkServerTrusted(b.chain(), "EC"));
        assertThrows(IllegalArgumentException.class, () -> DtlsTrust.pinned("abc"));
    }
}
