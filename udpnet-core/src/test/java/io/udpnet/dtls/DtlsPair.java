package io.udpnet.dtls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A JDK client and a udpnet server association wired in memory, through udpnet's stateless cookie and the engine's
 * own: no socket, no thread, the time given by the caller.
 */
final class DtlsPair {
    /** Collects what an association sends and the plaintext it receives. */
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

    final DtlsServerContext server;
    final DtlsPeer client;
    DtlsPeer serverPeer;
    final Pipe toServer = new Pipe();
    final Pipe toClient = new Pipe();
    int helloVerifyRequests;

    DtlsPair() throws Exception {
        server = new DtlsServerContext(DtlsServerConfig.builder().build(), 0);
        SSLContext ctx = SSLContext.getInstance("DTLSv1.2");
        ctx.init(null, DtlsTrust.insecureTrustAll().managers(), new SecureRandom());
        SSLEngine ce = ctx.createSSLEngine("localhost", 1);
        ce.setUseClientMode(true);
        SSLParameters p = ce.getSSLParameters();
        p.setMaximumPacketSize(1200);
        ce.setSSLParameters(p);
        client = new DtlsPeer(ce, 1_000_000_000L, 8_000_000_000L, 20_000_000_000L, 0);
    }

    /** Runs the handshake to its end (or 30 exchanges); the server side answers hellos as SecureGate does. */
    DtlsPair handshake() {
        InetSocketAddress from = new InetSocketAddress("127.0.0.1", 40000);
        ClientHello hello = new ClientHello();
        client.start(0, toServer);
        for (int round = 0; round < 30 && !established(); round++) {
            while (!toServer.wire.isEmpty()) {
                ByteBuffer d = ByteBuffer.wrap(toServer.wire.poll());
                if (serverPeer == null) {
                    if (!hello.parse(d)) {
                        throw new AssertionError("the client's first datagrams are hellos");
                    }
                    if (!server.cookies().verify(from, hello, 0)) {
                        ByteBuffer r = ByteBuffer.allocate(HelloCookies.helloVerifyRequestBytes());
                        server.cookies().writeHelloVerifyRequest(from, hello, 0, r);
                        toClient.wire.add(r.array());
                        helloVerifyRequests++;
                        continue;
                    }
                    serverPeer = server.startHandshake(from, hello, 0);
                }
                serverPeer.receive(d, 0, toClient);
            }
            while (!toClient.wire.isEmpty()) {
                client.receive(ByteBuffer.wrap(toClient.wire.poll()), 0, toServer);
            }
        }
        return this;
    }

    boolean established() {
        return client.state() == DtlsPeer.State.ESTABLISHED && serverPeer != null
                && serverPeer.state() == DtlsPeer.State.ESTABLISHED;
    }
}
