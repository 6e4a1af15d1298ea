package io.udpnet.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Raw datagrams, no protocol, over Netty's native epoll transport on 127.0.0.1: two channels, each on its own event
 * loop thread. The sender writes {@value #BATCH} datagrams per event-loop turn and flushes them together (Netty
 * sends a flush of several datagrams with one {@code sendmmsg}); the receiver reads up to {@value #BATCH} per
 * {@code recvmmsg}. Like {@link RawPeer}, nothing is retransmitted: what the kernel drops is lost.
 */
final class NettyPeer implements ComparedPeer {
    private static final int BATCH = 32;
    private static final int SOCKET_BUFFER = 4 << 20;

    private final int datagramSize;
    private final EventLoopGroup group = new EpollEventLoopGroup(2);
    private final AtomicLong received = new AtomicLong();
    private volatile boolean echo;
    private Channel receiver;
    private Channel sender;
    private final Sending sending = new Sending();

    private NettyPeer(PeerSettings settings) {
        this.datagramSize = Math.min(settings.size(), RawPeer.MAX_DATAGRAM);
    }

    static NettyPeer open(PeerSettings settings) throws Exception {
        if (!Epoll.isAvailable()) {
            throw new Peers.Unavailable("Netty's epoll transport does not load: " + Epoll.unavailabilityCause());
        }
        NettyPeer p = new NettyPeer(settings);
        try {
            p.receiver = p.bootstrap(p.new Receiving()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            p.sender = p.bootstrap(p.sending).connect(p.receiver.localAddress(),
                    new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    private Bootstrap bootstrap(ChannelInboundHandlerAdapter handler) {
        return new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, datagramSize)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(datagramSize * BATCH))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 2 << 20))
                .handler(handler);
    }

    @Override
    public String name() {
        return "netty";
    }

    @Override
    public List<String> configuration() {
        return List.of("Netty " + io.netty.util.Version.identify().values().iterator().next().artifactVersion()
                        + ", EpollDatagramChannel (native epoll), one event loop thread per channel",
                datagramSize + "-byte datagrams; sender connected, " + BATCH + " writes per flush (sendmmsg), "
                        + "write buffer water marks 1 / 2 MiB; receiver recvmmsg up to " + BATCH
                        + " datagrams (MAX_DATAGRAM_PAYLOAD_SIZE " + datagramSize + ")",
                "socket buffers " + SOCKET_BUFFER + " B asked; pooled direct buffers",
                "nothing retransmitted or ordered: datagrams the kernel drops are lost");
    }

    @Override
    public Throughput throughput(long nanos) throws Exception {
        echo = false;
        // Numbered from 0 every iteration: nothing checks the order, and what is lost is simply not counted.
        SendWindow w = SendWindow.run("netty", 0, nanos, received, window -> sending.start(sender, window));
        return w.deliveredWhenQuiet(received, datagramSize);
    }

    @Override
    public PingSchedule.Result pingPong(PingSchedule s) throws Exception {
        echo = true;
        return sending.pingPong(s, (number, due) -> {
            ByteBuf ping = sender.alloc().directBuffer(datagramSize);
            ping.writeLong(number).writeLong(due).writeZero(datagramSize - PingSchedule.HEADER);
            sender.writeAndFlush(ping);
        }, 1_000_000_000L);
    }

    /** The receiving channel: counts datagrams, or echoes them to their sender. */
    private final class Receiving extends ChannelInboundHandlerAdapter {
        private long count;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket p = (DatagramPacket) msg;
            if (echo) {
                ctx.write(new DatagramPacket(p.content(), p.sender()), ctx.voidPromise());
            } else {
                received.setRelease(++count);
                p.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** The sending channel: a datagram per write, {@value #BATCH} per flush; takes pongs. */
    private final class Sending extends ChannelSender {
        Sending() {
            super(BATCH);
        }

        @Override
        long write(Channel channel, long n) {
            ByteBuf b = channel.alloc().directBuffer(datagramSize);
            b.writeLong(n).writeZero(datagramSize - 8);
            channel.write(b, channel.voidPromise());
            return n + 1;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket p = (DatagramPacket) msg;
            takePong(p.content(), p.content().readerIndex(), p.content().readableBytes());
            p.release();
        }
    }

    @Override
    public void close() {
        if (sender != null) {
            sender.close().awaitUninterruptibly();
        }
        if (receiver != null) {
            receiver.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
