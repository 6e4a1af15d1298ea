package io.udpnet.messaging;

import io.udpnet.engine.ConnectionStats;
import io.udpnet.engine.DisconnectReason;

import java.util.concurrent.CompletableFuture;

/**
 * The part of a {@link MessageConnection} that only threads waiting on it and an application asking it for something
 * need: made when first needed and let go of when nothing in it is needed any more, so that an idle connection nobody
 * waits on holds none of it. Guarded by the connection's outbox monitor, except {@link #stats}.
 */
final class OnDemand {
    /** Senders parked until there is room; null while none is. */
    Waiters senders;
    /** A client's handshake's outcome, until it is known. */
    CompletableFuture<MessageConnection> opened;
    /** Made by the first {@code closeFuture} or {@code statsAsync} before the end. */
    CompletableFuture<DisconnectReason> closed;
    /** The last snapshot taken for the application (256 bytes): kept once it asked. */
    volatile ConnectionStats stats;
    /** A fresh snapshot was asked of the I/O thread and is not taken yet. */
    boolean refreshWanted;

    /** Whether nothing here is needed: the connection may let go of it. */
    boolean unused() {
        return senders == null && opened == null && closed == null && stats == null && !refreshWanted;
    }
}
