package io.udpnet.dtls;

import io.udpnet.io.ServerMode;
import io.udpnet.transport.DatagramSession;
import io.udpnet.transport.DatagramSessionListener;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/** DTLS echo servers on loopback for the tests: each session sends back what it receives. */
final class DtlsEchoServers {
    private DtlsEchoServers() {
    }

    static UdpServer open(ServerMode mode, DtlsServerConfig dtls) throws IOException {
        return open(UdpServerConfig.builder().mode(mode).shards(2), dtls);
    }

    static UdpServer open(UdpServerConfig.Builder b, DtlsServerConfig dtls) throws IOException {
        return UdpServer.open(b.bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .dtls(dtls)
                .sessionListener(session -> new DatagramSessionListener() {
                    @Override
                    public void onDatagram(DatagramSession s, ByteBuffer datagram) {
                        try {
                            s.send(datagram);
                        } catch (IOException e) {
                            // the session is closing; the test sees it
                        }
                    }
                }).build());
    }

    static DtlsServerConfig fast() {
        return DtlsServerConfig.builder()
                .retransmitTimeouts(Duration.ofMillis(200), Duration.ofSeconds(2))
                .build();
    }

    static DtlsClientConfig client(UdpServer server) {
        return DtlsClientConfig.builder(DtlsTrust.pinned(server.dtlsCredentials().orElseThrow().fingerprint()))
                .retransmitTimeouts(Duration.ofMillis(200), Duration.ofSeconds(2))
                .handshakeTimeout(Duration.ofSeconds(15))
                .build();
    }

    static String echo(DtlsClient c, String text) throws IOException {
        c.send(ByteBuffer.wrap(text.getBytes()));
        ByteBuffer buf = ByteBuffer.allocate(2048);
        int n = c.receive(buf, Duration.ofSeconds(5));
        return n < 0 ? null : new String(buf.array(), 0, n);
    }
}
