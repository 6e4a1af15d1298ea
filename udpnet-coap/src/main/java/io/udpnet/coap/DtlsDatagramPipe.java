package io.udpnet.coap;

import io.udpnet.dtls.DtlsClient;
import io.udpnet.dtls.DtlsClientConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link DatagramPipe} over a DTLS 1.2 association ({@code coaps://}, RFC 7252 section 9.1): each CoAP message is
 * one record in one datagram. {@link #connect} returns once the handshake completed, so the first request already
 * goes encrypted.
 */
public final class DtlsDatagramPipe implements DatagramPipe {
    private final DtlsClient client;

    private DtlsDatagramPipe(DtlsClient client) {
        this.client = client;
    }

    /**
     * Connects to a DTLS server and completes the handshake.
     *
     * @param server the server's address
     * @param config trust, credentials and timing of the association
     * @return the pipe
     * @throws IOException when the handshake fails or times out (an {@link javax.net.ssl.SSLException}), or no
     *                     socket can be opened
     */
    public static DtlsDatagramPipe connect(InetSocketAddress server, DtlsClientConfig config) throws IOException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(config, "config");
        if (server.isUnresolved()) {
            throw new IOException("unresolved address " + server);
        }
        return new DtlsDatagramPipe(DtlsClient.connect(server, config));
    }

    /**
     * A pipe over a client the caller connected; the pipe owns it from now on and closes it.
     *
     * @param client a connected client
     * @return the pipe
     */
    public static DtlsDatagramPipe over(DtlsClient client) {
        return new DtlsDatagramPipe(Objects.requireNonNull(client, "client"));
    }

    /**
     * Returns the association underneath: its cipher suite, the server's certificates, its counters.
     *
     * @return the DTLS client this pipe sends through
     */
    public DtlsClient dtlsClient() {
        return client;
    }

    @Override
    public void send(ByteBuffer datagram) throws IOException {
        try {
            client.send(datagram);
        } catch (IllegalArgumentException e) {
            // One datagram is one record: a message larger than a record is an I/O failure of this request,
            // not a programming error of the caller (a smaller block size avoids it).
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public int receive(ByteBuffer dst, Duration timeout) throws IOException {
        int room = dst.remaining();
        int n = client.receive(dst, timeout); // the datagram's full length, of which what fitted was copied
        return n < 0 ? -1 : Math.min(n, room);
    }

    @Override
    public void close() {
        client.close();
    }
}
