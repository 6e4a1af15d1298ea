package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.dtls.DtlsPeer;

/**
 * Datagram sizes of udpnet inside DTLS: each udpnet datagram is one record, so udpnet's ceiling (and path MTU
 * discovery's) is the DTLS maximum less the record overhead, and the engine's maximum is udpnet's plus it. udpnet
 * never goes below its 1,200-byte floor, so a secure datagram may reach 1,237 bytes whatever the DTLS setting.
 */
final class SecureSizing {
    /** udpnet's smallest maximum datagram (the protocol's floor, which ConnectionConfig enforces). */
    private static final int UDPNET_FLOOR = 1200;

    private SecureSizing() {
    }

    /** {@code connection} with its maximum datagram lowered to fit one record within {@code dtlsMaxDatagram}. */
    static ConnectionConfig fit(ConnectionConfig connection, int dtlsMaxDatagram) {
        int ceiling = Math.max(UDPNET_FLOOR,
                Math.min(connection.maxDatagramSize(), dtlsMaxDatagram - DtlsPeer.RECORD_OVERHEAD));
        return ceiling == connection.maxDatagramSize() ? connection
                : connection.toBuilder().maxDatagramSize(ceiling).build();
    }

    /**
     * Why an established association cannot carry udpnet datagrams of {@code datagram} bytes, or null when it can:
     * the JDK gives the plaintext a record holds within the engine's maximum once the cipher suite is known (the
     * session's application buffer size), and a suite with more overhead than AES-GCM's (a CBC one) holds less.
     */
    static String unfit(javax.net.ssl.SSLSession session, int datagram) {
        int room = session.getApplicationBufferSize();
        return room >= datagram ? null : "DTLS: cipher suite " + session.getCipherSuite() + " holds " + room
                + " bytes per record, udpnet needs " + datagram + " (use an AEAD suite: AES-GCM or ChaCha20)";
    }

    /** The DTLS engine's maximum datagram for connections of {@code connection}: one udpnet datagram and a record. */
    static int enginePacketSize(ConnectionConfig connection) {
        return connection.maxDatagramSize() + DtlsPeer.RECORD_OVERHEAD;
    }
}
