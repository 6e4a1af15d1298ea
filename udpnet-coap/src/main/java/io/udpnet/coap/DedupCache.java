package io.udpnet.coap;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers recent requests by (peer, local address, message ID) for EXCHANGE_LIFETIME, so that a retransmitted
 * request is answered with the reply already sent and never processed twice (RFC 7252 section 4.5). Bounded: beyond
 * its size the oldest entry is forgotten early (counted), which only weakens de-duplication for a peer that
 * retransmits after that long.
 */
final class DedupCache {

    /**
     * What identifies a request: its source, the transport's local address (one CoapServer may serve several ports,
     * and message IDs are only unique per endpoint pair) and its message ID.
     */
    record Key(InetSocketAddress peer, SocketAddress local, int messageId) {
    }

    /** The state of one remembered request; guarded by its own monitor. */
    static final class Entry {
        final long createdNanos;
        /** The last reply sent for the request (piggy-backed response, empty ACK or RST), or null while none. */
        byte[] reply;

        Entry(long createdNanos) {
            this.createdNanos = createdNanos;
        }
    }

    private final int capacity;
    private final long lifetimeNanos;
    private final LinkedHashMap<Key, Entry> map = new LinkedHashMap<>();
    private long evictions;

    DedupCache(int capacity, long lifetimeNanos) {
        this.capacity = capacity;
        this.lifetimeNanos = lifetimeNanos;
    }

    /**
     * Returns the entry of an already seen request, or remembers a new one and returns {@code null}.
     *
     * @param key the request's key
     * @param fresh the entry to remember when the key is new
     * @param now the current {@link System#nanoTime()}
     * @return the earlier entry, or null when {@code fresh} was stored
     */
    synchronized Entry putIfAbsent(Key key, Entry fresh, long now) {
        expire(now);
        Entry old = map.get(key);
        if (old != null) {
            return old;
        }
        if (map.size() >= capacity) {
            Iterator<Map.Entry<Key, Entry>> it = map.entrySet().iterator();
            it.next();
            it.remove();
            evictions++;
        }
        map.put(key, fresh);
        return null;
    }

    private void expire(long now) {
        Iterator<Map.Entry<Key, Entry>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            if (now - it.next().getValue().createdNanos < lifetimeNanos) {
                return; // insertion order is age order
            }
            it.remove();
        }
    }

    synchronized int size() {
        return map.size();
    }

    synchronized long evictions() {
        return evictions;
    }
}
