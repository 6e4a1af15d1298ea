package io.udpnet.engine;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Bytes of heap reachable from a set of roots, counted object by object over the object graph by reflection, so the
 * figure is the same on every run and does not depend on when the collector last ran.
 *
 * <p>Sizes follow HotSpot's 64-bit layout with compressed class pointers and compressed references (the default for
 * heaps under 32 GiB): a 12-byte object header, 16 bytes for an array header, fields packed densely, every object
 * rounded up to 8 bytes. Objects in {@link #exclude}d sets, {@code Class} objects and enum constants are shared, not
 * owned, and are neither counted nor followed. JDK classes whose fields the module system hides are counted by
 * what their public methods reveal (a {@code ByteBuffer}'s array, an address's parts, a lock's queue, a future's
 * value and dependents); any other such object with references fails the walk rather than being under-counted.
 * Public so that the messaging tests measure with it too.
 */
public final class HeapWalk {
    private final Set<Object> excluded = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Class<?>> excludedClasses = new java.util.HashSet<>();
    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private long bytes;
    private final java.util.Map<Class<?>, Long> perClass = new java.util.HashMap<>();

    /** Objects not to count or follow (shared configuration, the application's listener...). */
    public HeapWalk exclude(Object... objects) {
        for (Object o : objects) {
            if (o != null) {
                excluded.add(o);
            }
        }
        return this;
    }

    /** Instances of {@code type} (and its subclasses) are not counted or followed. */
    public HeapWalk exclude(Class<?> type) {
        excludedClasses.add(type);
        return this;
    }

    /** Adds everything reachable from {@code root} not counted yet; returns the total so far. */
    public long add(Object root) {
        push(root);
        while (!pending.isEmpty()) {
            visit(pending.pop());
        }
        return bytes;
    }

    public long bytes() {
        return bytes;
    }

    private void push(Object o) {
        if (o == null || o instanceof Class<?> || o instanceof Enum<?> || excluded.contains(o) || !seen.add(o)) {
            return;
        }
        for (Class<?> type : excludedClasses) {
            if (type.isInstance(o)) {
                return;
            }
        }
        pending.push(o);
    }

    /** Bytes counted per class so far, largest first: where the memory is, for a failing test's message. */
    public String byClass() {
        StringBuilder b = new StringBuilder();
        perClass.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .forEach(e -> b.append(e.getKey().getSimpleName()).append(' ').append(e.getValue()).append(", "));
        return b.toString();
    }

    /**
     * Bytes per class more than {@code base} counted, divided by {@code n}, largest first: where each of {@code n}
     * connections added since the base walk keeps its memory.
     */
    public String byClassSince(HeapWalk base, int n) {
        StringBuilder b = new StringBuilder();
        java.util.Map<Class<?>, Long> diff = new java.util.HashMap<>(perClass);
        base.perClass.forEach((k, v) -> diff.merge(k, -v, Long::sum));
        diff.entrySet().stream().filter(e -> e.getValue() != 0)
                .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .forEach(e -> b.append(e.getKey().getSimpleName()).append(' ')
                        .append(String.format("%.1f", e.getValue() / (double) n)).append(", "));
        return b.toString();
    }

    private void visit(Object o) {
        long before = bytes;
        visitObject(o);
        perClass.merge(o.getClass(), bytes - before, Long::sum);
    }

    private void visitObject(Object o) {
        Class<?> c = o.getClass();
        if (c.isArray()) {
            int n = Array.getLength(o);
            Class<?> e = c.getComponentType();
            bytes += align(16 + (long) n * size(e));
            if (!e.isPrimitive()) {
                for (int i = 0; i < n; i++) {
                    push(Array.get(o, i));
                }
            }
            return;
        }
        bytes += shallow(c);
        if (c.getModule() == Object.class.getModule()) {
            visitJdk(o);
            return;
        }
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                    f.setAccessible(true);
                    try {
                        push(f.get(o));
                    } catch (IllegalAccessException ex) {
                        throw new AssertionError(ex);
                    }
                }
            }
        }
    }

    /** java.base objects: their fields cannot be read, so their parts are reached through public methods. */
    private void visitJdk(Object o) {
        if (o instanceof ByteBuffer b) {
            if (b.hasArray()) {
                push(b.array());
            }
        } else if (o instanceof InetSocketAddress a) {
            // InetSocketAddress -> holder -> InetAddress -> holder (and an IPv6 address's own holder and bytes).
            bytes += 24 + 16 + 32 + (a.getAddress() instanceof java.net.Inet6Address ? 24 + 32 : 0);
        } else if (o instanceof java.util.concurrent.locks.ReentrantLock l) {
            // Its Sync (an AbstractQueuedSynchronizer): head, tail, state, owner; a waiting thread's node is not seen.
            bytes += SYNC;
            if (l.hasQueuedThreads()) {
                throw new AssertionError("a lock with waiting threads: measure when nothing waits");
            }
        } else if (o instanceof java.util.concurrent.locks.Condition) {
            // A ConditionObject: its lock (counted above) and its waiters, of which an idle connection has none.
            return;
        } else if (o instanceof java.util.concurrent.CompletableFuture<?> f) {
            // The value once completed normally, and each dependent stage (a Completion of about 40 bytes).
            bytes += 40L * f.getNumberOfDependents();
            if (f.isDone() && !f.isCompletedExceptionally() && !f.isCancelled()) {
                push(f.getNow(null));
            }
        } else if (o instanceof java.util.Set<?> s && !(o instanceof java.util.SortedSet<?>)) {
            // HashSet (a HashMap inside) or a ConcurrentHashMap's key set: a table and a 32-byte node per element.
            bytes += 48 + table(s.size()) + 32L * s.size();
            s.forEach(this::push);
        } else if (o instanceof java.util.Map<?, ?> m) {
            // HashMap: a table of at least size / 0.75 slots (a power of two), a 32-byte node per entry.
            bytes += table(m.size()) + 32L * m.size();
            m.forEach((k, v) -> {
                push(k);
                push(v);
            });
        } else if (o instanceof java.util.Collection<?> c) {
            // ArrayDeque, ArrayList: the backing array holds at least the elements (its spare room is not visible).
            bytes += align(16 + 4L * Math.max(17, c.size() + 1));
            c.forEach(this::push);
        } else if (o instanceof String s) {
            bytes += align(16 + s.length());   // Latin-1: one byte per character
        } else if (!(o instanceof Number || o instanceof Boolean || o instanceof Character)) {
            for (Class<?> k = o.getClass(); k != null; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                        throw new AssertionError("cannot follow the references of " + o.getClass().getName());
                    }
                }
            }
        }
    }

    /** A hash table's array for {@code size} entries: at least size / 0.75 slots, a power of two, 16 at least. */
    private static long table(int size) {
        return align(16 + 4L * Math.max(16, Integer.highestOneBit(Math.max(1, size * 4 / 3)) * 2));
    }

    private static final long SYNC;

    static {
        try {
            SYNC = shallow(Class.forName("java.util.concurrent.locks.ReentrantLock$NonfairSync"));
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Size of an instance of {@code c}: header and every instance field of it and its superclasses, aligned. */
    public static long shallow(Class<?> c) {
        long n = 12;
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    n += size(f.getType());
                }
            }
        }
        return align(n);
    }

    private static int size(Class<?> t) {
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        if (t == short.class || t == char.class) {
            return 2;
        }
        if (t == byte.class || t == boolean.class) {
            return 1;
        }
        return 4;   // a compressed reference
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }
}
