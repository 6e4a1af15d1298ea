package io.udpnet.transport;

import io.udpnet.io.ServerMode;
import static io.udpnet.transport.ServerBehaviourTest.WAIT;
import static io.udpnet.transport.ServerBehaviourTest.await;
import static io.udpnet.transport.ServerBehaviourTest.open;
import static io.udpnet.transport.TestPeer.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Event-driven use: a {@link UdpServerListener} gets sessions and its {@link DatagramSessionListener} gets datagrams. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ListenerStyleTest {

    /** Echoes every datagram and records what happened, in order. */
    private static final class EchoHandler implements DatagramSessionListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onDatagram(DatagramSession session, ByteBuffer datagram) {
            String t = text(datagram.duplicate());
            events.add("datagram " + t);
            if (t.equals("explode")) {
                throw new IllegalStateException("handler bug");
            }
            try {
                session.send(datagram);
            } catch (IOException e) {
                events.add("send failed " + e);
            }
        }

        @Override
        public void onClosed(DatagramSession session, SessionCloseReason reason) {
            events.add("closed " + reason);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void handlerSeesEveryDatagramFromTheFirstAndTheCloseAtTheEnd(ServerMode mode) throws Exception {
        List<EchoHandler> handlers = new CopyOnWriteArrayList<>();
        UdpServerListener listener = session -> {
            EchoHandler h = new EchoHandler();
            handlers.add(h);
            return h;
        };
        UdpServer server = open(mode, b -> b.sessionListener(listener));
        try (TestPeer peer = new TestPeer(server.localAddress())) {
            for (int i = 0; i < 5; i++) {
                peer.send("m" + i);
                assertEquals("m" + i, peer.receiveText(WAIT));
            }
            // A handler that throws costs that datagram only: the I/O thread survives and the next one is served.
            peer.send("explode");
            await("the handler error to be counted", () -> server.stats().drops(DatagramDropReason.ERROR) == 1);
            peer.send("after");
            assertEquals("after", peer.receiveText(WAIT));
            assertThrows(IllegalStateException.class, () -> server.accept(Duration.ZERO));
            server.close();
            assertEquals(1, handlers.size());
            assertEquals(List.of("datagram m0", "datagram m1", "datagram m2", "datagram m3", "datagram m4",
                    "datagram explode", "datagram after", "closed SERVER_CLOSED"), handlers.get(0).events);
        } finally {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void aNullHandlerLeavesTheSessionToBlockingReceive(ServerMode mode) throws Exception {
        List<DatagramSession> opened = new CopyOnWriteArrayList<>();
        try (UdpServer server = open(mode, b -> b.sessionListener(s -> {
            opened.add(s);
            return null;
        })); TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send("queued");
            await("the session", () -> opened.size() == 1);
            assertEquals("queued", ServerBehaviourTest.receiveText(opened.get(0)));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void aListenerThatClosesTheSessionAtOnceDropsTheFirstDatagram(ServerMode mode) throws Exception {
        try (UdpServer server = open(mode, b -> b.sessionListener(s -> {
            s.close();
            return null;
        })); TestPeer peer = new TestPeer(server.localAddress())) {
            peer.send("unwanted");
            await("the session to open and close", () -> server.stats().sessionsClosed() == 1);
            assertEquals(1, server.stats().sessionsOpened());
            assertEquals(0, server.sessionCount());
            assertEquals(0, server.stats().connectedSockets());
        }
    }
}
