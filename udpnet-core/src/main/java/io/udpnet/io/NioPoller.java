package io.udpnet.io;


import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/** A {@link Poller} over a JDK {@link Selector}; it waits in whole milliseconds, rounded down. */
final class NioPoller implements Poller {
    private static final long MILLI = 1_000_000L;

    private final Selector selector;
    private final Consumer<SelectionKey> onKey = this::onKey;
    private ReadyHandler handler;
    private int handled;
    /** A socket was closed from inside {@link #poll}'s handler, where the selector cannot select again. */
    private boolean flushAfterPoll;

    NioPoller() throws IOException {
        this.selector = Selector.open();
    }

    @Override
    public void register(UdpSocket socket, Object attachment) throws IOException {
        NioUdpSocket s = (NioUdpSocket) socket;
        s.channel().register(selector, SelectionKey.OP_READ, attachment);
        s.registeredWith(this);
    }

    @Override
    public void deregister(UdpSocket socket) {
        SelectionKey key = ((NioUdpSocket) socket).channel().keyFor(selector);
        if (key != null) {
            key.cancel();
            flushCancelled();
        }
    }

    /**
     * The JDK closes a registered channel's socket only when the selector next deregisters its cancelled key; until
     * then the kernel still routes the peer's datagrams to it, where they are lost. Selecting now makes a close
     * take effect at once (or, when the socket was closed by a poll's handler, as soon as that poll ends). Readiness
     * of other sockets is not lost: it is reported again by the next poll.
     */
    void flushCancelled() {
        if (handler != null) {
            flushAfterPoll = true;
            return;
        }
        if (!selector.isOpen()) {
            return;
        }
        try {
            selector.selectNow(k -> { });
        } catch (IOException e) {
            // The next poll reports a selector that is really broken.
        }
    }

    @Override
    public int poll(long timeoutNanos, ReadyHandler readyHandler) throws IOException {
        this.handler = readyHandler;
        this.handled = 0;
        try {
            if (timeoutNanos == Long.MAX_VALUE) {
                selector.select(onKey);
            } else if (timeoutNanos < MILLI) {
                selector.selectNow(onKey);
            } else {
                selector.select(onKey, timeoutNanos / MILLI);
            }
        } finally {
            this.handler = null;
        }
        if (flushAfterPoll) {
            flushAfterPoll = false;
            flushCancelled();
        }
        return handled;
    }

    private void onKey(SelectionKey key) {
        if (key.isValid() && key.isReadable()) {
            handled++;
            handler.ready(key.attachment());
        }
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // Nothing is lost with a selector.
        }
    }
}
