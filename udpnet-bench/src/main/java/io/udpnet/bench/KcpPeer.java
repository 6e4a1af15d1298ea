package io.udpnet.bench;

import io.jpower.kcp.netty.ChannelOptionHelper;
import io.jpower.kcp.netty.UkcpChannelOption;
import io.jpower.kcp.netty.UkcpClientChannel;
import io.jpower.kcp.netty.UkcpServerChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.UkcpServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * KCP (reliable, ordered, message mode) through {@code io.jpower.kcp:kcp-netty} on 127.0.0.1: a KCP server channel
 * and a client channel, each on its own Netty NIO event loop thread, in KCP's "fast" mode (no delay, a
 * {@value #INTERVAL_MS} ms update interval, fast resend after 2 duplicate acks, no congestion window) with windows
 * of {@value #WINDOW} segments. The sender writes {@value #BATCH} messages per event-loop turn while the channel is
 * writable; the server counts them and checks their order, or echoes them during ping-pong.
 *
 * <p>Loaded by {@link KcpLoader} with Netty 4.1 (kcp-netty does not run on the 4.2 of the other peers), so it uses
 * only public members of this package; {@link Peers} opens it through that loader.
 */
public final class KcpPeer implements ComparedPeer {
    private static final int BATCH = 64;
    private static final int INTERVAL_MS = 10;
    private static final int WINDOW = 1024;
    private static final int MTU = 1400;
    /** KCP numbers a message's fragments in one byte, and the receive window bounds them further. */
    static final int MAX_MESSAGE = (MTU - 24) * Math.min(255, WINDOW);

    private final int size;
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final AtomicLong received = new AtomicLong();
    private final AtomicReference<String> error = new AtomicReference<>();
    private volatile boolean echo;
    private Channel server;
    private Channel client;
    private final ClientSide clientSide = new ClientSide();
    private long sent;

    private KcpPeer(int size) {
        this.size = size;
    }

    /** Opens both ends; {@link KcpLoader#open} checks the message size first. */
    public static KcpPeer open(PeerSettings settings) throws Exception {
        KcpPeer p = new KcpPeer(settings.size());
        try {
            UkcpServerBootstrap sb = new UkcpServerBootstrap().group(p.group).channel(UkcpServerChannel.class)
                    .childHandler(p.new ServerSide());
            ChannelOptionHelper.nodelay(sb, true, INTERVAL_MS, 2, true)
                    .childOption(UkcpChannelOption.UKCP_MTU, MTU)
                    .childOption(UkcpChannelOption.UKCP_SND_WND, WINDOW)
                    .childOption(UkcpChannelOption.UKCP_RCV_WND, WINDOW);
            p.server = sb.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Bootstrap cb = new Bootstrap().group(p.group).channel(UkcpClientChannel.class)
                    .handler(p.clientSide);
            ChannelOptionHelper.nodelay(cb, true, INTERVAL_MS, 2, true)
                    .option(UkcpChannelOption.UKCP_MTU, MTU)
                    .option(UkcpChannelOption.UKCP_SND_WND, WINDOW)
                    .option(UkcpChannelOption.UKCP_RCV_WND, WINDOW)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 512 << 10));
            p.client = cb.connect(p.server.localAddress()).sync().channel();
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    @Override
    public String name() {
        return "kcp";
    }

    @Override
    public List<String> configuration() {
        String netty = Channel.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        return List.of("io.jpower.kcp:kcp-netty 1.5.0 on Netty's NIO transport from "
                        + netty.substring(netty.lastIndexOf('/') + 1) + " (in a class loader of its own), message "
                        + "mode (not stream), one event loop thread per side",
                "nodelay on, update interval " + INTERVAL_MS + " ms, fast resend after 2 duplicate acks, "
                        + "congestion window off; MTU " + MTU + " B, send and receive windows " + WINDOW
                        + " segments",
                "sender: " + BATCH + " writes per event-loop turn while writable (water marks 256 / 512 KiB)");
    }

    @Override
    public Throughput throughput(long nanos) throws Exception {
        echo = false;
        SendWindow w = SendWindow.run("kcp", sent, nanos, received, window -> clientSide.start(client, window));
        sent = w.next();
        return w.allDelivered("kcp", received, error, size);
    }

    @Override
    public PingSchedule.Result pingPong(PingSchedule s) throws Exception {
        echo = true;
        return clientSide.pingPong(s, (number, due) -> {
            ByteBuf ping = client.alloc().buffer(size);
            ping.writeLong(number).writeLong(due).writeZero(size - PingSchedule.HEADER);
            client.writeAndFlush(ping);
        }, PeerSettings.TIMEOUT_NANOS);
    }

    /** The server's side of the KCP connection: counts and checks messages, or echoes them. */
    private final class ServerSide extends ChannelInboundHandlerAdapter {
        private long count;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf m = (ByteBuf) msg;
            if (echo) {
                ctx.writeAndFlush(m);
                return;
            }
            long seq = m.getLong(m.readerIndex());
            m.release();
            if (seq != count) {
                error.compareAndSet(null, "message " + seq + " arrived when " + count + " was expected");
            }
            count = seq + 1;
            received.setRelease(count);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error.compareAndSet(null, cause.toString());
        }
    }

    /** The client's side: sends a message per write, {@value #BATCH} per event-loop turn; takes pongs. */
    private final class ClientSide extends ChannelSender {
        ClientSide() {
            super(BATCH);
        }

        @Override
        long write(Channel channel, long n) {
            ByteBuf b = channel.alloc().buffer(size);
            b.writeLong(n).writeZero(size - 8);
            channel.write(b, channel.voidPromise());
            return n + 1;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf m = (ByteBuf) msg;
            takePong(m, m.readerIndex(), m.readableBytes());
            m.release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error.compareAndSet(null, cause.toString());
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close().awaitUninterruptibly();
        }
        if (server != null) {
            server.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
