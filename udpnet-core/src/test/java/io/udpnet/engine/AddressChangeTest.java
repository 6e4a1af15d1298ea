package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.wire.Crc;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.PacketHeader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Path validation datagram by datagram, with a server endpoint and a client connection pumped by hand (PROTOCOL.md
 * section 8.3): what one copied datagram buys an attacker, and which answers count.
 */
class AddressChangeTest {
    private static final ConnectionConfig CONFIG = ConnectionConfig.defaults();
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 7001);
    private static final InetSocketAddress NEW = new InetSocketAddress("127.0.0.2", 50000);
    private static final InetSocketAddress SPOOF = new InetSocketAddress("127.0.0.66", 6666);
    private static final long MS = 1_000_000;

    private record Sent(InetSocketAddress to, byte[] bytes) {
    }

    private final ByteBuffer out = ByteBuffer.allocate(1500);
    private final List<Recorder> serverSide = new ArrayList<>();
    private ServerEndpoint server;
    private Connection client;
    private Recorder clientRecorder;
    private long now;

    @BeforeEach
    void connect() {
        server = new ServerEndpoint(CONFIG, ServerEndpointConfig.defaults(), (from, payload) -> {
            Recorder r = new Recorder(() -> now);
            serverSide.add(r);
            return Admission.accept(r);
        }, new SplittableRandom(5));
        clientRecorder = new Recorder(() -> now);
        client = Connection.connect(CONFIG, ByteBuffer.allocate(0), clientRecorder, new SplittableRandom(6), 0);
        for (int i = 0; i < 10 && clientRecorder.connected == null; i++) {
            for (byte[] d : fromClient()) {
                server.handleDatagram(CLIENT, ByteBuffer.wrap(d), now);
            }
            deliverToClient(fromServer(), CLIENT);
        }
        assertTrue(clientRecorder.connected != null);
        settle();
    }

    private List<byte[]> fromClient() {
        List<byte[]> l = new ArrayList<>();
        while (client.pollTransmit(out, now) > 0) {
            l.add(copy(out));
        }
        return l;
    }

    private List<Sent> fromServer() {
        List<Sent> l = new ArrayList<>();
        InetSocketAddress to;
        while ((to = server.pollTransmit(out, now)) != null) {
            l.add(new Sent(to, copy(out)));
        }
        return l;
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] a = new byte[b.limit()];
        b.get(0, a);
        return a;
    }

    /** Hands the client what the server sent to {@code at} (where the client now receives); returns the rest. */
    private List<Sent> deliverToClient(List<Sent> sent, InetSocketAddress at) {
        List<Sent> elsewhere = new ArrayList<>();
        for (Sent s : sent) {
            if (s.to.equals(at)) {
                client.handleDatagram(ByteBuffer.wrap(s.bytes), now);
            } else {
                elsewhere.add(s);
            }
        }
        return elsewhere;
    }

    /** Lets both ends exchange everything they have at the client's old address, 1 ms at a time, for 50 ms. */
    private void settle() {
        for (int i = 0; i < 50; i++) {
            now += MS;
            for (byte[] d : fromClient()) {
                server.handleDatagram(CLIENT, ByteBuffer.wrap(d), now);
            }
            assertTrue(deliverToClient(fromServer(), CLIENT).isEmpty());
        }
    }

    private byte[] clientDatagramWith(String message) {
        client.send(0, ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
        List<byte[]> d = fromClient();
        assertEquals(1, d.size());
        return d.get(0);
    }

    private static boolean isChallenge(byte[] d) {
        return d.length == PathValidation.CHALLENGE_DATAGRAM
                && PacketHeader.type(ByteBuffer.wrap(d), DataHeader.LENGTH) == PacketHeader.TYPE_PATH_CHALLENGE;
    }

    @Test
    void oneCopiedDatagramBuysAtMostThreeTimesItsSizeInChallengesAndMovesNothing() {
        Connection c = serverSide.get(0).connected;
        byte[] original = clientDatagramWith("hello");
        server.handleDatagram(SPOOF, ByteBuffer.wrap(original.clone()), now);   // the copy wins the race
        server.handleDatagram(CLIENT, ByteBuffer.wrap(original), now);          // then a duplicate
        assertEquals(List.of("0:hello"), serverSide.get(0).messages, "delivered once, from the copy");

        long toSpoof = 0;
        int challenges = 0;
        for (int i = 0; i < 20_000; i++) {   // 20 s: the client keeps the connection alive, the spoofer is silent
            now += MS;
            for (byte[] d : fromClient()) {
                server.handleDatagram(CLIENT, ByteBuffer.wrap(d), now);
            }
            for (Sent s : deliverToClient(fromServer(), CLIENT)) {
                assertEquals(SPOOF, s.to);
                assertTrue(isChallenge(s.bytes), "only challenges go to an unvalidated address");
                toSpoof += s.bytes.length;
                challenges++;
            }
        }
        assertTrue(toSpoof <= 3L * original.length, toSpoof + " bytes sent for " + original.length + " received");
        assertEquals(3 * original.length / PathValidation.CHALLENGE_DATAGRAM, challenges,
                "the budget, not the attempt limit, stops a " + original.length + "-byte copy");
        assertSame(c, server.connection(CLIENT));
        assertEquals(CLIENT, c.remoteAddress());
        assertEquals(Connection.State.CONNECTED, c.state());
        assertEquals(0, server.stats().migrations());
        assertEquals(challenges, server.stats().pathChallenges());
    }

    @Test
    void onlyTheRightAnswerFromTheChallengedAddressMovesTheConnection() {
        Connection c = serverSide.get(0).connected;
        // The client's NAT rebinds: its next datagram comes from NEW. It is processed, and NEW is challenged.
        server.handleDatagram(NEW, ByteBuffer.wrap(clientDatagramWith("from the new port")), now);
        assertEquals("0:from the new port", serverSide.get(0).messages.get(0));
        List<Sent> sent = fromServer();
        Sent challenge = sent.stream().filter(s -> s.to.equals(NEW)).findFirst().orElseThrow();
        assertTrue(isChallenge(challenge.bytes));
        assertTrue(sent.stream().filter(s -> !s.to.equals(NEW)).allMatch(s -> s.to.equals(CLIENT)),
                "everything else still goes to the old address");
        long data = PacketHeader.pathData(ByteBuffer.wrap(challenge.bytes), DataHeader.LENGTH);

        // The client answers; an answer arriving from the old address proves nothing about the new one.
        client.handleDatagram(ByteBuffer.wrap(challenge.bytes), now);
        List<byte[]> answer = fromClient();
        assertEquals(1, answer.size());
        ByteBuffer a = ByteBuffer.wrap(answer.get(0));
        assertEquals(PacketHeader.TYPE_PATH_RESPONSE, PacketHeader.type(a, DataHeader.LENGTH));
        assertEquals(data, PacketHeader.pathData(a, DataHeader.LENGTH));
        server.handleDatagram(CLIENT, ByteBuffer.wrap(answer.get(0).clone()), now);
        assertEquals(CLIENT, c.remoteAddress());
        // Replayed from the right address it is a duplicate: dropped before its packets count.
        server.handleDatagram(NEW, ByteBuffer.wrap(answer.get(0).clone()), now);
        assertEquals(CLIENT, c.remoteAddress());

        // A well-formed answer from NEW with other data: ignored.
        ByteBuffer forged = ByteBuffer.wrap(answer.get(0).clone());
        forged.putShort(DataHeader.SEQUENCE_OFFSET, (short) (DataHeader.sequence(forged) + 100));
        forged.putLong(DataHeader.LENGTH + 1, data ^ 1);
        new Crc().seal(forged, forged.limit());
        server.handleDatagram(NEW, forged, now);
        assertEquals(CLIENT, c.remoteAddress());
        assertEquals(0, server.stats().migrations());

        // The challenge is sent again after a probe time-out; the client's answer to it, from NEW, moves it.
        List<Sent> again = List.of();
        for (int i = 0; i < 2000 && again.isEmpty(); i++) {
            now += MS;
            again = fromServer().stream().filter(s -> s.to.equals(NEW)).toList();
        }
        assertEquals(1, again.size());
        assertTrue(isChallenge(again.get(0).bytes));
        assertEquals(data, PacketHeader.pathData(ByteBuffer.wrap(again.get(0).bytes), DataHeader.LENGTH),
                "a resend carries the same data");
        client.handleDatagram(ByteBuffer.wrap(again.get(0).bytes), now);
        for (byte[] d : fromClient()) {
            server.handleDatagram(NEW, ByteBuffer.wrap(d), now);
        }
        assertEquals(NEW, c.remoteAddress());
        assertSame(c, server.connection(NEW));
        assertNull(server.connection(CLIENT));
        assertEquals(1, server.stats().migrations());
        assertEquals(List.of(CLIENT, NEW), serverSide.get(0).addressChanges);

        // From now on the server talks to NEW only, and the client's messages get through both ways.
        c.send(0, ByteBuffer.wrap("welcome back".getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < 50; i++) {
            now += MS;
            for (byte[] d : fromClient()) {
                server.handleDatagram(NEW, ByteBuffer.wrap(d), now);
            }
            assertTrue(deliverToClient(fromServer(), NEW).isEmpty(), "nothing goes elsewhere");
        }
        assertEquals(List.of("0:welcome back"), clientRecorder.messages);
    }

    @Test
    void validationStateIsBoundedToOneCandidateAtATime() {
        PathValidation v = new PathValidation();
        SplittableRandom random = new SplittableRandom(1);
        assertTrue(!v.onDatagram(SPOOF, 100, false, 0, 10 * MS, random), "a duplicate starts nothing");
        assertTrue(v.onDatagram(SPOOF, 100, true, 0, 10 * MS, random));
        assertTrue(v.due(0));
        v.onChallengeSent(PathValidation.CHALLENGE_DATAGRAM, 0);
        assertTrue(!v.onDatagram(NEW, 100, true, 5 * MS, 10 * MS, random), "the pending one keeps its first wait");
        assertEquals(SPOOF, v.candidate());
        assertEquals(10 * MS, v.deadline());
        assertTrue(v.onDatagram(NEW, 100, true, 10 * MS, 10 * MS, random), "then another address may replace it");
        assertEquals(NEW, v.candidate());
        assertTrue(!v.onResponse(SPOOF, v.challenge()), "the old candidate's answer no longer counts");
        long sent = 0;
        for (long t = 10 * MS; v.due(t) || t < 10_000 * MS; t += MS) {
            if (v.due(t)) {
                v.onChallengeSent(PathValidation.CHALLENGE_DATAGRAM, t);
                sent++;
            }
        }
        assertEquals(PathValidation.MAX_CHALLENGES, sent, "with budget to spare, the attempt limit stops it");
        assertEquals(Long.MAX_VALUE, v.deadline());
        assertTrue(v.onResponse(NEW, v.challenge()), "a late right answer still counts");
        assertNull(v.candidate());
    }
}
