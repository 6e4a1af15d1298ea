package io.udpnet.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The sending end of the Netty-based peers (netty, quic, kcp) during a throughput iteration: on the channel's event
 * loop it writes up to a fixed number of writes per turn while the channel is writable, flushes them together, and
 * goes on in the next turn; when the channel stops being writable it waits for the writability change, which this
 * handler receives, so back-pressure is obeyed the same way by every such peer. Each peer says only how one write
 * looks ({@link #write}). During ping-pong it holds the schedule the pongs are counted in ({@link #pingPong},
 * {@link #takePong}).
 *
 * <p>Compiled against Netty 4.2 but uses only members that Netty 4.1 has as well: {@link KcpLoader} defines its own
 * copy of this class next to {@link KcpPeer}, linked to kcp-netty's Netty 4.1.
 */
abstract class ChannelSender extends ChannelInboundHandlerAdapter {
    private final int writesPerTurn;
    /** The iteration in progress; touched only on the event loop. */
    private Blast blast;
    /** The ping-pong in progress, if any: set by the measuring thread, read on the event loop as pongs arrive. */
    private volatile PingSchedule schedule;

    ChannelSender(int writesPerTurn) {
        this.writesPerTurn = writesPerTurn;
    }

    /** Starts sending for {@code window} on {@code channel}'s event loop; the window's sender closes it when due. */
    final void start(Channel channel, SendWindow window) {
        Blast b = new Blast(channel, window);
        channel.eventLoop().execute(() -> {
            blast = b;
            b.run();
        });
    }

    /**
     * Writes (without flushing) one buffer holding the message numbered {@code n}, or several packed from
     * {@code n} on.
     *
     * @return the number the next message takes
     */
    abstract long write(Channel channel, long n);

    /** Runs ping-pong {@code s} with pings sent by {@code send}; the peer hands the pongs to {@link #takePong}. */
    final PingSchedule.Result pingPong(PingSchedule s, PingSchedule.Sender send, long waitNanos) throws Exception {
        schedule = s;
        try {
            return s.run(send, waitNanos);
        } finally {
            schedule = null;
        }
    }

    /**
     * Counts a pong during ping-pong: the message of {@code length} bytes at index {@code at} of {@code b}, whose
     * bytes 8..15 are its ping's due time. Outside ping-pong, or too short to be a pong, it is ignored.
     */
    final void takePong(ByteBuf b, int at, int length) {
        PingSchedule s = schedule;
        if (s != null && length >= PingSchedule.HEADER) {
            s.onPong(b.getLong(at + 8));
        }
    }

    /** Resumes an iteration held back by back-pressure. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Blast b = blast;
        if (b != null && ctx.channel().isWritable()) {
            b.run();
        }
    }

    /** Sending for one iteration, on the channel's event loop. */
    private final class Blast implements Runnable {
        final Channel channel;
        final SendWindow window;

        Blast(Channel channel, SendWindow window) {
            this.channel = channel;
            this.window = window;
        }

        @Override
        public void run() {
            if (blast != this) {
                // A turn queued before the window closed: a flush can resume sending re-entrantly (writability
                // changes fire inside it), so two turns may be queued; the later one must not send after closing.
                return;
            }
            long n = window.next();
            for (int i = 0; i < writesPerTurn && channel.isWritable(); i++) {
                n = write(channel, n);
            }
            window.sentUpTo(n);
            channel.flush();
            if (window.isDue()) {
                blast = null;
                window.close();
            } else if (channel.isWritable()) {
                channel.eventLoop().execute(this);
            }
            // Otherwise channelWritabilityChanged resumes sending.
        }
    }
}
