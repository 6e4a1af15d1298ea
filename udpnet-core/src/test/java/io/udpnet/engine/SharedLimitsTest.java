package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.wire.Crc;
import io.udpnet.wire.Handshake;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ServerLimits}: endpoints of one server keep the documented rates and memory together, not each. */
class SharedLimitsTest {
    static final ConnectionConfig CONFIG = ConnectionConfig.defaults();

    static ByteBuffer request(long nonce) {
        ByteBuffer b = ByteBuffer.allocate(Handshake.PADDED_SIZE);
        Handshake.writeRequest(b, 1, 1, nonce, CONFIG.sharedSettings(), new Crc());
        return b;
    }

    static int drain(ServerEndpoint e, long now) {
        ByteBuffer out = ByteBuffer.allocate(2048);
        int n = 0;
        while (e.pollTransmit(out, now) != null) {
            n++;
        }
        return n;
    }

    @Test
    void twoEndpointsSharingLimitsAnswerAsManyRequestsAsOneWould() {
        ServerEndpointConfig config = ServerEndpointConfig.builder().challengesPerSecond(100).build();
        ServerLimits shared = new ServerLimits(config);
        ServerEndpoint a = new ServerEndpoint(CONFIG, config, (f, p) -> Admission.reject("no"), new SplittableRandom(1),
                shared);
        ServerEndpoint b = new ServerEndpoint(CONFIG, config, (f, p) -> Admission.reject("no"), new SplittableRandom(2),
                shared);
        ServerEndpoint alone = new ServerEndpoint(CONFIG, config, (f, p) -> Admission.reject("no"),
                new SplittableRandom(3));
        long now = 1_000_000_000L;
        int answered = 0;
        for (int i = 0; i < 100; i++) {
            InetSocketAddress from = new InetSocketAddress("10.0.0." + (1 + i % 200), 4000 + i);
            ServerEndpoint e = i % 2 == 0 ? a : b;
            e.handleDatagram(from, request(i), now);
            answered += drain(e, now);
            alone.handleDatagram(from, request(i), now);
        }
        assertEquals(10, answered, "one burst (a tenth of 100/s, at least 10) for the two together");
        assertEquals(10, a.stats().challenges() + b.stats().challenges());
        assertEquals(90, a.stats().rateLimited() + b.stats().rateLimited());
        assertEquals(10, alone.stats().challenges(), "an endpoint alone has the same burst");
        now += 1_000_000_000L;   // a second later: 100 more at most, but the burst caps what is saved at 10
        for (int i = 0; i < 40; i++) {
            ServerEndpoint e = i % 2 == 0 ? a : b;
            e.handleDatagram(new InetSocketAddress("10.0.1.1", 5000 + i), request(1000 + i), now);
            answered += drain(e, now);
        }
        assertEquals(20, answered);
    }

    @Test
    void receiveMemoryIsOneLimitForEveryEndpoint() {
        MemoryPool pool = new MemoryPool(64 << 10);
        ByteBudget a = new ByteBudget.Leased(pool);
        ByteBudget b = new ByteBudget.Leased(pool);
        long takenByA = 0;
        while (a.canTake(1000)) {
            a.take(1000);
            takenByA += 1000;
        }
        assertTrue(takenByA > (64 << 10) - 2000 && takenByA <= 64 << 10, "A filled the pool: " + takenByA);
        assertFalse(b.canTake(1000), "nothing left for B while A holds it all");
        a.give(takenByA);
        assertTrue(pool.leased() <= 2 * pool.chunk(), "A gave back all but a little: " + pool.leased());
        long takenByB = 0;
        while (b.canTake(1000)) {
            b.take(1000);
            takenByB += 1000;
        }
        assertTrue(takenByB >= (64 << 10) - 3 * pool.chunk(), "B got the room back: " + takenByB);
        b.take(5000);   // the message a channel waits for is taken even beyond the limit
        assertTrue(pool.leased() >= takenByB + 5000);
        b.give(takenByB + 5000);
        assertEquals(0, b.used());
    }
}
