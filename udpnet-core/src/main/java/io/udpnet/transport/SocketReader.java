package io.udpnet.transport;

import io.udpnet.internal.Sockets;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * The I/O loop of one unconnected socket (the SHARED socket, a SHARDED socket, or the CONNECTED listener): blocking
 * receives, so an idle server sleeps in the kernel; closing the channel ends the loop.
 */
final class SocketReader implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.udpnet.transport");
    /** After this many consecutive receive errors the loop pauses briefly, so a persistent error cannot spin. */
    private static final int ERROR_BURST = 16;

    private final DatagramChannel channel;
    private final Dispatcher dispatcher;
    private final int maxDatagramSize;

    SocketReader(DatagramChannel channel, Dispatcher dispatcher, int maxDatagramSize) {
        this.channel = channel;
        this.dispatcher = dispatcher;
        this.maxDatagramSize = maxDatagramSize;
    }

    DatagramChannel channel() {
        return channel;
    }

    @Override
    public void run() {
        // One byte more than the maximum, so that an oversize datagram is detected instead of silently truncated.
        ByteBuffer buf = ByteBuffer.allocateDirect(maxDatagramSize + 1);
        int errors = 0;
        while (channel.isOpen()) {
            buf.clear();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) channel.receive(buf);
                errors = 0;
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException | RuntimeException e) {
                if (!channel.isOpen()) {
                    break;
                }
                dispatcher.counters().drop(DropCause.ERROR);
                LOG.log(Level.DEBUG, "receive failed on " + Sockets.localAddress(channel), e);
                if (++errors >= ERROR_BURST) {
                    LockSupport.parkNanos(10_000_000L);
                    errors = 0;
                }
                continue;
            }
            if (from == null) {
                continue; // cannot happen on a blocking channel; tolerated
            }
            buf.flip();
            handle(from, buf);
        }
    }

    /** Counts, checks the size of, and routes one datagram. Never throws: an I/O thread must survive bad input. */
    void handle(InetSocketAddress from, ByteBuffer datagram) {
        dispatcher.counters().received(datagram.remaining());
        if (datagram.remaining() > maxDatagramSize) {
            dispatcher.counters().drop(DropCause.OVERSIZE);
            return;
        }
        try {
            dispatcher.dispatch(from, datagram, channel);
        } catch (RuntimeException e) {
            dispatcher.counters().drop(DropCause.ERROR);
            LOG.log(Level.WARNING, "failed to route a datagram from " + from, e);
        }
    }
}
