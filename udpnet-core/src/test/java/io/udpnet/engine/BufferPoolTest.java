package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class BufferPoolTest {

    @Test
    void buffersComeInPowerOfTwoClassesWithTheRequestedLimit() {
        BufferPool pool = new BufferPool(new ByteBudget(1L << 40));
        int[][] cases = {{0, 64}, {1, 64}, {64, 64}, {65, 128}, {1000, 1024}, {1024, 1024}, {65536, 65536}};
        for (int[] c : cases) {
            ByteBuffer b = pool.acquire(c[0]);
            assertEquals(c[1], b.capacity(), "capacity for " + c[0]);
            assertEquals(c[0], b.limit());
            assertEquals(0, b.position());
        }
        assertEquals(2 * 65536, pool.acquire(65537).capacity(), "over 64 KiB: rounded up to 64 KiB");
    }

    @Test
    void releasedBufferIsReusedInItsClassOnly() {
        BufferPool pool = new BufferPool(new ByteBudget(1L << 40));
        ByteBuffer b = pool.acquire(100);
        b.position(7);
        pool.release(b);
        ByteBuffer again = pool.acquire(120);
        assertSame(b, again);
        assertEquals(0, again.position());
        assertEquals(120, again.limit());
        pool.release(again);
        assertNotSame(b, pool.acquire(50), "64-byte class");
        assertNotSame(b, pool.acquire(129), "256-byte class");
        assertSame(b, pool.acquire(128));
    }

    @Test
    void eachBufferIsHandedOutOnce() {
        BufferPool pool = new BufferPool(new ByteBudget(1L << 40));
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            held.add(pool.acquire(300));
        }
        for (ByteBuffer b : held) {
            pool.release(b);
        }
        List<ByteBuffer> again = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ByteBuffer b = pool.acquire(300);
            for (ByteBuffer o : again) {
                assertNotSame(o, b);
            }
            again.add(b);
        }
        // 32 per class are kept for small classes: 32 of the 40 come back, 8 are new.
        long reused = again.stream().filter(b -> held.stream().anyMatch(h -> h == b)).count();
        assertEquals(32, reused);
    }

    @Test
    void foreignSizesAreNotPooled() {
        BufferPool pool = new BufferPool(new ByteBudget(1L << 40));
        ByteBuffer odd = ByteBuffer.allocate(100);
        pool.release(odd);
        ByteBuffer big = ByteBuffer.allocate((1 << 17) + 100);
        pool.release(big);
        ByteBuffer small = ByteBuffer.allocate(32);
        pool.release(small);
        assertNotSame(odd, pool.acquire(100));
        assertNotSame(big, pool.acquire((1 << 17) + 100));
        assertNotSame(small, pool.acquire(32));
    }

    @Test
    void buffersAreKeptOnlyWhileTheSharedBudgetIsAtMostHalfFull() {
        ByteBudget server = new ByteBudget(1 << 20);
        ByteBudget other = new ByteBudget(1 << 20, server);
        BufferPool pool = new BufferPool(new ByteBudget(1 << 20, server));
        other.take(400 << 10);
        pool.release(ByteBuffer.allocate(64 << 10));
        assertEquals(64 << 10, pool.kept(), "464 KiB of 1 MiB: kept");
        other.take(64 << 10);
        pool.release(ByteBuffer.allocate(64 << 10));
        assertEquals(64 << 10, pool.kept(), "592 KiB would be over half of the shared budget: dropped");
        assertEquals((464 + 64) << 10, server.used());
    }

    @Test
    void aLeasedServerBudgetCountsTheWholePoolForKeeping() {
        MemoryPool shared = new MemoryPool(1 << 20);
        ByteBudget.Leased elsewhere = new ByteBudget.Leased(shared);
        ByteBudget.Leased here = new ByteBudget.Leased(shared);
        BufferPool pool = new BufferPool(new ByteBudget(1 << 20, here));
        assertEquals(true, elsewhere.canTake(480 << 10));
        elsewhere.take(480 << 10);
        pool.release(ByteBuffer.allocate(64 << 10));
        assertEquals(0, pool.kept(), "another endpoint's 480 KiB leave no half of the pool for spares");
        elsewhere.give(480 << 10);
        pool.release(ByteBuffer.allocate(64 << 10));
        assertEquals(64 << 10, pool.kept());
    }
}
