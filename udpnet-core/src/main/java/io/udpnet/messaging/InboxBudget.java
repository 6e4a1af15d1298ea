package io.udpnet.messaging;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes waiting in the inboxes of all a server's connections, against one limit. I/O threads add, application
 * threads take away, any thread asks; one atomic counter, touched once per message.
 */
final class InboxBudget {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    InboxBudget(long limit) {
        this.limit = limit;
    }

    boolean exhausted() {
        return held.get() >= limit;
    }

    void add(long bytes) {
        held.addAndGet(bytes);
    }

    long held() {
        return held.get();
    }
}
