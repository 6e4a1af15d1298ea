package io.udpnet.impair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatagramPoolTest {

    @Test
    void arraysAreLargeEnoughAndReused() {
        DatagramPool pool = new DatagramPool();
        byte[] small = pool.acquire(0);
        assertEquals(64, small.length);
        byte[] a = pool.acquire(1000);
        assertEquals(1024, a.length);
        pool.release(a);
        assertEquals(1024, pool.pooledBytes());
        assertSame(a, pool.acquire(1024));
        assertEquals(0, pool.pooledBytes());
        assertEquals(2048, pool.acquire(1025).length);
    }

    @Test
    void hugeArraysAreNotPooled() {
        DatagramPool pool = new DatagramPool();
        byte[] huge = pool.acquire(100_000);
        assertEquals(100_000, huge.length);
        pool.release(huge);
        assertEquals(0, pool.pooledBytes());
        assertNotSame(huge, pool.acquire(100_000));
    }

    @Test
    void pooledMemoryIsBounded() {
        DatagramPool pool = new DatagramPool();
        for (int i = 0; i < 1000; i++) {
            pool.release(new byte[65536]);
        }
        assertTrue(pool.pooledBytes() <= DatagramPool.MAX_POOLED_BYTES, "pooled " + pool.pooledBytes());
        assertEquals(DatagramPool.MAX_POOLED_BYTES, pool.pooledBytes());
    }
}
