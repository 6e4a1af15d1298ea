package io.udpnet.dtls;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.ZonedDateTime;

/**
 * Makes a self-signed X.509 v3 certificate for a fresh EC P-256 key, signed with SHA256withECDSA. The JDK has no
 * public API for this (keytool's classes are internal), so the certificate is encoded here with {@link Der}:
 * version 3, a random positive 127-bit serial, the subject as issuer, a subject alternative name and
 * basicConstraints CA:false, and the JDK's own X.509 encoding of the public key.
 */
final class SelfSignedCertificate {
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";

    private SelfSignedCertificate() {
    }

    /**
     * Generates a key pair and its certificate.
     *
     * @param commonName the subject's CN, also its DNS subject alternative name
     * @param validity   how long from now (less a minute of clock skew) the certificate is valid
     * @param random     the source of the key and serial
     * @return the key and the certificate
     * @throws GeneralSecurityException when the JDK lacks EC P-256 or SHA256withECDSA
     */
    static DtlsCredentials generate(String commonName, Duration validity, SecureRandom random)
            throws GeneralSecurityException {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair kp = kpg.generateKeyPair();
        byte[] serial = new byte[16];
        random.nextBytes(serial);
        serial[0] &= 0x7f;
        serial[0] |= 0x40; // never zero, never negative
        ZonedDateTime now = ZonedDateTime.now();
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
        byte[] san = Der.sequence(Der.oid(SUBJECT_ALT_NAME),
                Der.octetString(Der.sequence(Der.tlv(0x82, commonName.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))));
        byte[] basic = Der.sequence(Der.oid(BASIC_CONSTRAINTS), Der.bool(true), Der.octetString(Der.sequence()));
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(2)),
                Der.unsignedInteger(serial),
                algorithm,
                name,
                Der.sequence(Der.time(now.minusMinutes(1)), Der.time(now.plus(validity))),
                name,
                kp.getPublic().getEncoded(),
                Der.explicit(3, Der.sequence(san, basic)));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(kp.getPrivate(), random);
        signer.update(tbs);
        byte[] der = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        return new DtlsCredentials(kp.getPrivate(), new X509Certificate[] {cert});
    }
}
