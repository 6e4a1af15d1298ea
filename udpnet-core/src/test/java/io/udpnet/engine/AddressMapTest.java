package io.udpnet.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AddressMap keeps HashMap's behaviour for addresses, including colliding hash codes, and sizes its table to fit. */
class AddressMapTest {

    /** 10.0.0.{i}:{1000 - i}: InetSocketAddress hashes as address + port, so all of these have one hash code. */
    static InetSocketAddress colliding(int i) {
        return address(i, 1000 - i);
    }

    static InetSocketAddress address(int host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[]{10, 0, (byte) (host >> 8), (byte) host}),
                    port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void putGetReplaceRemove() {
        AddressMap<String> map = new AddressMap<>();
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 4000);
        assertNull(map.get(a));
        assertNull(map.put(a, "one"));
        assertEquals("one", map.get(new InetSocketAddress("127.0.0.1", 4000)), "found by equals, not identity");
        assertEquals("one", map.put(new InetSocketAddress("127.0.0.1", 4000), "two"));
        assertEquals(1, map.size());
        assertEquals("two", map.get(a));
        assertNull(map.get(new InetSocketAddress("127.0.0.1", 4001)));
        assertNull(map.remove(new InetSocketAddress("127.0.0.1", 4001)));
        assertEquals("two", map.remove(a));
        assertNull(map.remove(a));
        assertNull(map.get(a));
        assertEquals(0, map.size());
    }

    @Test
    void nullKeyIsNeverMapped() {
        AddressMap<String> map = new AddressMap<>();
        assertNull(map.get(null));
        assertNull(map.remove(null));
        assertThrows(NullPointerException.class, () -> map.put(null, "x"));
        assertThrows(NullPointerException.class, () -> map.put(new InetSocketAddress("::1", 1), null));
        assertEquals(0, map.size());
    }

    @Test
    void equalHashCodesShareARunAndSurviveRemovals() {
        AddressMap<Integer> map = new AddressMap<>();
        int n = 40;
        for (int i = 0; i < n; i++) {
            assertEquals(colliding(0).hashCode(), colliding(i).hashCode());
            map.put(colliding(i), i);
        }
        // Remove every third, from the middle of the run and its start: the later entries must shift back.
        for (int i = 0; i < n; i += 3) {
            assertEquals(i, map.remove(colliding(i)));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i % 3 == 0 ? null : Integer.valueOf(i), map.get(colliding(i)), "key " + i);
        }
        for (int i = 0; i < n; i++) {
            map.remove(colliding(i));
        }
        assertEquals(0, map.size());
        assertEquals(AddressMap.MIN_CAPACITY, map.capacity());
    }

    @Test
    void backwardShiftAcrossTheTableEnd() {
        AddressMap<Integer> map = new AddressMap<>();
        int mask = AddressMap.MIN_CAPACITY - 1;
        // Three keys whose home is the last slot and one whose home is slot 0: the run wraps to slots 0, 1 and 2.
        List<InetSocketAddress> lastHome = new ArrayList<>();
        InetSocketAddress firstHome = null;
        for (int port = 1; lastHome.size() < 3 || firstHome == null; port++) {
            InetSocketAddress a = address(1, port);
            int home = AddressMap.index(a, mask);
            if (home == mask && lastHome.size() < 3) {
                lastHome.add(a);
            } else if (home == 0 && firstHome == null) {
                firstHome = a;
            }
        }
        for (int i = 0; i < 3; i++) {
            map.put(lastHome.get(i), i);
        }
        map.put(firstHome, 9);
        assertEquals(AddressMap.MIN_CAPACITY, map.capacity(), "no resize, so the run really wraps");
        // Removing the entry in the last slot moves one from slot 0 back to it; slot 0's own key must stay findable.
        assertEquals(0, map.remove(lastHome.get(0)));
        assertEquals(1, map.get(lastHome.get(1)));
        assertEquals(2, map.get(lastHome.get(2)));
        assertEquals(9, map.get(firstHome));
        assertEquals(1, map.remove(lastHome.get(1)));
        assertEquals(2, map.get(lastHome.get(2)));
        assertEquals(9, map.get(firstHome));
        assertEquals(2, map.size());
    }

    @Test
    void growsAtTwoThirdsAndShrinksWhenMostlyEmpty() {
        AddressMap<Integer> map = new AddressMap<>();
        int n = 2000;
        for (int i = 0; i < n; i++) {
            map.put(address(i, 5000), i);
            int capacity = map.capacity();
            assertTrue(map.size() * 3 <= capacity * 2, "at most 2/3 full: " + map.size() + "/" + capacity);
            assertTrue(capacity <= Math.max(AddressMap.MIN_CAPACITY, map.size() * 3), "at least 1/3 full");
        }
        assertEquals(4096, map.capacity(), "2,000 entries need 4,096 slots");
        for (int i = 0; i < n; i++) {
            assertEquals(i, map.remove(address(i, 5000)));
            int capacity = map.capacity();
            assertTrue(capacity == AddressMap.MIN_CAPACITY || map.size() * 8 > capacity,
                    "more than 1/8 full after a removal: " + map.size() + "/" + capacity);
            if (i % 97 == 0) {
                for (int k = i + 1; k < n; k += 13) {
                    assertEquals(k, map.get(address(k, 5000)));
                }
            }
        }
        assertEquals(AddressMap.MIN_CAPACITY, map.capacity());
    }

    @Test
    void valuesAreACopy() {
        AddressMap<Integer> map = new AddressMap<>();
        for (int i = 0; i < 20; i++) {
            map.put(address(i, 7), i);
        }
        List<Integer> values = new ArrayList<>();
        map.addValuesTo(values);
        assertEquals(20, values.size());
        assertEquals(20, new HashSet<>(values).size());
        for (int i = 0; i < 20; i++) {
            assertTrue(values.contains(i));
        }
        for (Integer v : values) {
            map.remove(address(v, 7));   // removing while going over the copy is safe
        }
        assertEquals(0, map.size());
    }

    @Test
    void steadyStateAllocatesNothing() throws Exception {
        // Reached by reflection: the tests are compiled inside the module, which does not read java.management.
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
        AddressMap<Integer> map = new AddressMap<>();
        InetSocketAddress[] keys = new InetSocketAddress[256];
        Integer[] values = new Integer[keys.length];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = address(i, 9000 + i);
            values[i] = i;
        }
        for (int i = 0; i < 100; i++) {
            map.put(keys[i], values[i]);   // a steady population; the churn moves it between 100 and 150 entries
        }
        churn(map, keys, values);
        long before = (long) allocatedBytes.invoke(threads);
        long found = churn(map, keys, values);
        long allocated = (long) allocatedBytes.invoke(threads) - before;
        assertEquals(200L * 50 * 2, found);
        assertEquals(100, map.size());
        // The measuring call itself may allocate a little; an allocation per operation would be megabytes.
        assertTrue(allocated < 4096, allocated + " bytes allocated for 30 000 operations");
    }

    /** 200 rounds: 50 more keys in, each looked up, then out again; the table keeps its size. */
    private static long churn(AddressMap<Integer> map, InetSocketAddress[] keys, Integer[] values) {
        long found = 0;
        for (int round = 0; round < 200; round++) {
            int from = 100 + round % 106;
            for (int i = from; i < from + 50; i++) {
                map.put(keys[i], values[i]);
            }
            for (int i = from; i < from + 50; i++) {
                found += map.get(keys[i]) == values[i] ? 1 : 0;
            }
            for (int i = from; i < from + 50; i++) {
                found += map.remove(keys[i]) == values[i] ? 1 : 0;
            }
        }
        return found;
    }

    /** Random puts, replacements and removes over a small key space in which many keys share a hash code. */
    @Property(tries = 300)
    void agreesWithHashMap(@ForAll @Size(max = 500) List<@IntRange(min = -60, max = 60) Integer> ops) {
        AddressMap<Integer> map = new AddressMap<>();
        Map<InetSocketAddress, Integer> reference = new HashMap<>();
        int step = 0;
        for (int op : ops) {
            InetSocketAddress key = key(Math.abs(op));
            if (op > 0) {
                Integer value = ++step;
                assertSame(reference.put(key, value), map.put(key(Math.abs(op)), value));
            } else {
                assertSame(reference.remove(key), map.remove(key));
            }
            assertEquals(reference.size(), map.size());
            assertTrue(map.size() * 3 <= map.capacity() * 2);
            for (int k = 0; k <= 60; k++) {
                assertSame(reference.get(key(k)), map.get(key(k)), "key " + k + " after " + ops);
            }
        }
        List<Integer> values = new ArrayList<>();
        map.addValuesTo(values);
        assertEquals(new HashSet<>(reference.values()), new HashSet<>(values));
        assertEquals(reference.size(), values.size());
    }

    /** Keys 0..29 all collide; 30..60 have distinct hash codes (IPv4 and IPv6). */
    private static InetSocketAddress key(int k) {
        if (k < 30) {
            return colliding(k);
        }
        return k % 2 == 0 ? address(k, 1) : new InetSocketAddress("::1", k);
    }
}
