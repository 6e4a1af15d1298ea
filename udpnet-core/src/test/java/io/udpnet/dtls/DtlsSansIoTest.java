package io.udpnet.dtls;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two {@link DtlsPeer}s and the stateless cookie, wired by hand in memory: no socket, no thread, virtual time. */
class DtlsSansIoTest {
    static final class Pipe implements DtlsPeer.Output {
        final ArrayDeque<byte[]> wire = new ArrayDeque<>();
        final List<String> plain = new ArrayList<>();

        @Override
        public void transmit(ByteBuffer datagram) {
            byte[] b = new byte[datagram.remaining()];
            datagram.get(b);
            wire.add(b);
        }

        @Override
        public void plaintext(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            plain.add(new String(b));
        }
    }

    @Test
    void handshakeThroughTheUdpnetCookieAndTheJdkCookie() throws Exception {
        DtlsServerContext server = new DtlsServerContext(DtlsServerConfig.builder().build(), 0);
        SSLContext ctx = SSLContext.getInstance("DTLSv1.2");
        ctx.init(null, DtlsTrust.insecureTrustAll().managers(), new SecureRandom());
        SSLEngine ce = ctx.createSSLEngine("localhost", 1);
        ce.setUseClientMode(true);
        SSLParameters p = ce.getSSLParameters();
        p.setMaximumPacketSize(1200);
        ce.setSSLParameters(p);
        long now = 0;
        DtlsPeer client = new DtlsPeer(ce, 1_000_000_000L, 8_000_000_000L, 20_000_000_000L, now);
        InetSocketAddress from = new InetSocketAddress("127.0.0.1", 40000);
        Pipe toServer = new Pipe();
        Pipe toClient = new Pipe();
        client.start(now, toServer);
        DtlsPeer serverPeer = null;
        ClientHello hello = new ClientHello();
        int hvr = 0;
        for (int round = 0; round < 30 && !(client.state() == DtlsPeer.State.ESTABLISHED
                && serverPeer != null && serverPeer.state() == DtlsPeer.State.ESTABLISHED); round++) {
            while (!toServer.wire.isEmpty()) {
                ByteBuffer d = ByteBuffer.wrap(toServer.wire.poll());
                if (serverPeer == null) {
                    assertTrue(hello.parse(d), "the first datagrams are hellos");
                    if (!server.cookies().verify(from, hello, now)) {
                        ByteBuffer r = ByteBuffer.allocate(100);
                        server.cookies().writeHelloVerifyRequest(from, hello, now, r);
                        toClient.wire.add(java.util.Arrays.copyOf(r.array(), r.position()));
                        hvr++;
                        continue;
                    }
                    serverPeer = server.startHandshake(from, hello, now);
                }
                serverPeer.receive(d, now, toClient);
            }
            while (!toClient.wire.isEmpty()) {
                client.receive(ByteBuffer.wrap(toClient.wire.poll()), now, toServer);
            }
        }
        assertEquals(DtlsPeer.State.ESTABLISHED, client.state());
        assertEquals(DtlsPeer.State.ESTABLISHED, serverPeer.state());
        assertEquals(1, hvr);
        assertEquals(0, client.invalidRecords());
        assertEquals(0, serverPeer.invalidRecords());
        client.send(ByteBuffer.wrap("ping".getBytes()), toServer);
        serverPeer.receive(ByteBuffer.wrap(toServer.wire.poll()), now, toClient);
        assertEquals(List.of("ping"), toClient.plain);
    }
}
