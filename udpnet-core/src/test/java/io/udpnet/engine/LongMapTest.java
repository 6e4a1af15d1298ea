package io.udpnet.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The map behaves like java.util.HashMap under any sequence of puts and removes, including colliding keys. */
class LongMapTest {

    @Property(tries = 300)
    void agreesWithHashMap(@ForAll @Size(max = 400) List<@IntRange(min = -40, max = 40) Integer> ops) {
        LongMap<Long> map = new LongMap<>();
        Map<Long, Long> reference = new HashMap<>();
        long step = 0;
        for (int op : ops) {
            long key = op == 0 ? 1 : Math.abs(op) * 1024L;   // multiples of 1024 collide often in a small table
            if (op > 0) {
                map.put(key, ++step);
                reference.put(key, step);
            } else {
                map.remove(key);
                reference.remove(key);
            }
            assertEquals(reference.size(), map.size());
            for (int k = -40; k <= 40; k++) {
                long probe = k == 0 ? 1 : Math.abs(k) * 1024L;
                assertEquals(reference.get(probe), map.get(probe), "key " + probe + " after " + ops);
            }
        }
    }
}
