package io.udpnet.dtls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * Makes the JDK's DTLS 1.2 contexts and engines the way both sides of udpnet configure them: one place for the
 * protocol, the key managers made from {@link DtlsCredentials}, the largest datagram and the cipher suites, so a
 * client and a server cannot drift apart on them.
 */
final class DtlsEngines {
    private static final String PROTOCOL = "DTLSv1.2";

    private DtlsEngines() {
    }

    /**
     * A DTLS 1.2 context.
     *
     * @param credentials the key and chain this side presents, or null for none
     * @param trust       which peer certificates are accepted
     */
    static SSLContext context(DtlsCredentials credentials, DtlsTrust trust) throws GeneralSecurityException {
        KeyManager[] kms = null;
        if (credentials != null) {
            char[] pw = new char[0];
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(credentials.toKeyStore(pw), pw);
            kms = kmf.getKeyManagers();
        }
        SSLContext c = SSLContext.getInstance(PROTOCOL);
        c.init(kms, trust.managers(), new SecureRandom());
        return c;
    }

    /** A client engine for {@code server}, checking the server's name when the trust asks for it. */
    static SSLEngine client(SSLContext context, InetSocketAddress server, DtlsClientConfig config,
                            int maxPacketSize) {
        String host = config.serverName() != null ? config.serverName() : server.getHostString();
        SSLEngine engine = context.createSSLEngine(host, server.getPort());
        engine.setUseClientMode(true);
        SSLParameters p = parameters(engine, maxPacketSize, config.cipherSuites());
        if (config.trust().checksNames()) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /** A server engine for the client at {@code peer}, asking it for a certificate as configured. */
    static SSLEngine server(SSLContext context, InetSocketAddress peer, DtlsServerConfig config, int maxPacketSize) {
        SSLEngine engine = context.createSSLEngine(peer.getHostString(), peer.getPort());
        engine.setUseClientMode(false);
        SSLParameters p = parameters(engine, maxPacketSize, config.cipherSuites());
        p.setNeedClientAuth(config.clientAuth() == ClientAuth.NEED);
        if (config.clientAuth() == ClientAuth.WANT) {
            p.setWantClientAuth(true);
        }
        engine.setSSLParameters(p);
        return engine;
    }

    private static SSLParameters parameters(SSLEngine engine, int maxPacketSize, String[] cipherSuites) {
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        p.setMaximumPacketSize(maxPacketSize);
        if (cipherSuites != null) {
            p.setCipherSuites(cipherSuites);
        }
        return p;
    }
}
