package io.udpnet.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.quic.FlushStrategy;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * QUIC through Netty's QUIC codec (quiche and BoringSSL, native) over the epoll transport on 127.0.0.1: a server and
 * a client, each on its own event loop thread, one connection, and one unidirectional stream per direction
 * (client to server for messages and pings, server to client for pongs). A stream is a byte stream, so each message
 * goes on it with a 4-byte length before it; the receiver cuts the stream back into messages, counts them and
 * checks their order. The sender packs as many messages as fit in {@value #WRITE_BYTES} bytes into one write and
 * writes while the stream is writable. The server's certificate is self-signed, made by {@link QuicCertificate},
 * and the client trusts exactly that certificate.
 */
final class QuicPeer implements ComparedPeer {
    private static final String PROTOCOL = "udpnet-bench";
    private static final int DATAGRAM = 1472;
    private static final long CONNECTION_WINDOW = 64 << 20;
    private static final long STREAM_WINDOW = 16 << 20;
    private static final int WRITE_BYTES = 16 << 10;
    private static final int WRITES_PER_TURN = 8;
    private static final QuicCongestionControlAlgorithm CONGESTION = QuicCongestionControlAlgorithm.CUBIC;
    private static final long IDLE_TIMEOUT_MINUTES = 60;

    private final int size;
    private EventLoopGroup group;
    private final AtomicLong received = new AtomicLong();
    private final AtomicReference<String> error = new AtomicReference<>();
    private final CountDownLatch serverStream = new CountDownLatch(1);
    private volatile boolean echo;
    private volatile QuicStreamChannel toClient;
    private Channel serverSocket;
    private Channel clientSocket;
    private QuicChannel connection;
    private QuicStreamChannel toServer;
    private final Writing writing;
    private long sent;

    private QuicPeer(int size) {
        this.size = size;
        this.writing = new Writing(); // after size: it sizes its writes by it
    }

    static QuicPeer open(PeerSettings settings) throws Exception {
        if (!Quic.isAvailable()) {
            throw new Peers.Unavailable("Netty's QUIC codec does not load its native library: "
                    + Quic.unavailabilityCause());
        }
        if (!Epoll.isAvailable()) {
            throw new Peers.Unavailable("Netty's epoll transport does not load: " + Epoll.unavailabilityCause());
        }
        QuicCertificate cert = QuicCertificate.get();
        QuicPeer p = new QuicPeer(settings.size());
        try {
            p.start(cert);
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    private void start(QuicCertificate cert) throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        QuicSslContext serverTls = QuicSslContextBuilder.forServer(cert.key(), null, cert.certificate())
                .applicationProtocols(PROTOCOL).build();
        QuicSslContext clientTls = QuicSslContextBuilder.forClient().trustManager(cert.certificate())
                .endpointIdentificationAlgorithm(null)
                .applicationProtocols(PROTOCOL).build();
        ChannelHandler serverCodec = tune(new QuicServerCodecBuilder()).sslContext(serverTls)
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ((QuicChannel) ctx.channel()).createStream(QuicStreamType.UNIDIRECTIONAL,
                                new ChannelInboundHandlerAdapter()).addListener(f -> {
                                    if (f.isSuccess()) {
                                        toClient = (QuicStreamChannel) f.getNow();
                                        serverStream.countDown();
                                    } else {
                                        error.compareAndSet(null, "server stream: " + f.cause());
                                    }
                                });
                    }
                })
                .streamHandler(initializer(true)).build();
        serverSocket = datagramBootstrap(serverCodec).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        ChannelHandler clientCodec = tune(new QuicClientCodecBuilder()).sslContext(clientTls).build();
        clientSocket = datagramBootstrap(clientCodec).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        connection = QuicChannel.newBootstrap(clientSocket).handler(new ChannelInboundHandlerAdapter())
                .streamHandler(initializer(false)).remoteAddress(serverSocket.localAddress())
                .connect().get(PeerSettings.TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        toServer = connection.createStream(QuicStreamType.UNIDIRECTIONAL, writing).sync().getNow();
        toServer.config().setWriteBufferWaterMark(new WriteBufferWaterMark(256 << 10, 1 << 20));
        if (!serverStream.await(PeerSettings.TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("quic: the server did not open its stream; " + error.get());
        }
    }

    /** The transport parameters both ends share. */
    private static <B extends io.netty.handler.codec.quic.QuicCodecBuilder<B>> B tune(B b) {
        // Netty's default flush strategy held lone pongs back: ping-pong p50 of 45-500 ms here against about 0.2 ms
        // when every packet is flushed, which also did not slow throughput down.
        return b.flushStrategy(FlushStrategy.afterNumPackets(1)).congestionControlAlgorithm(CONGESTION)
                .maxIdleTimeout(IDLE_TIMEOUT_MINUTES, TimeUnit.MINUTES)
                .maxSendUdpPayloadSize(DATAGRAM).maxRecvUdpPayloadSize(DATAGRAM).discoverPmtu(false)
                .initialMaxData(CONNECTION_WINDOW).initialMaxStreamDataUnidirectional(STREAM_WINDOW)
                .initialMaxStreamsUnidirectional(4).initialMaxStreamsBidirectional(0);
    }

    private Bootstrap datagramBootstrap(ChannelHandler codec) {
        return new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20).handler(codec);
    }

    private ChannelInitializer<QuicStreamChannel> initializer(boolean server) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(QuicStreamChannel ch) {
                ch.pipeline().addLast(new Messages(server));
            }
        };
    }

    @Override
    public String name() {
        return "quic";
    }

    @Override
    public List<String> configuration() {
        return List.of("Netty " + io.netty.util.Version.identify().values().iterator().next().artifactVersion()
                        + " QUIC codec (quiche, BoringSSL; netty-codec-native-quic linux-x86_64) over "
                        + "EpollDatagramChannel, one event loop thread per end, one connection",
                "one unidirectional stream per direction, messages length-prefixed (4 bytes) on it; sender packs "
                        + "messages into " + WRITE_BYTES + "-byte writes, up to " + WRITES_PER_TURN
                        + " writes per event-loop turn while writable (water marks 256 KiB / 1 MiB)",
                "congestion control " + CONGESTION + "; every packet flushed to the socket at once (Netty's "
                        + "FlushStrategy.afterNumPackets(1)); max UDP payload " + DATAGRAM + " B both ways, PMTU "
                        + "discovery off; initial max data " + (CONNECTION_WINDOW >> 20) + " MiB, stream data "
                        + (STREAM_WINDOW >> 20) + " MiB; socket buffers 4 MiB asked",
                "TLS 1.3 with a self-signed EC P-256 certificate made by keytool into a temporary PKCS#12 store at "
                        + "start; the client trusts exactly that certificate");
    }

    @Override
    public Throughput throughput(long nanos) throws Exception {
        echo = false;
        SendWindow w = SendWindow.run("quic", sent, nanos, received, window -> writing.start(toServer, window));
        sent = w.next();
        return w.allDelivered("quic", received, error, size);
    }

    @Override
    public PingSchedule.Result pingPong(PingSchedule s) throws Exception {
        echo = true;
        PingSchedule.Result r = writing.pingPong(s, (number, due) -> {
            ByteBuf ping = toServer.alloc().directBuffer(4 + size);
            ping.writeInt(size).writeLong(number).writeLong(due).writeZero(size - PingSchedule.HEADER);
            toServer.writeAndFlush(ping, toServer.voidPromise());
        }, PeerSettings.TIMEOUT_NANOS);
        if (error.get() != null) {
            throw new IllegalStateException("quic: " + error.get());
        }
        return r;
    }

    /**
     * The client's stream: packs as many length-prefixed messages as fit in one write. Pongs come back on the
     * server's stream, whose {@link Messages} hands them to it.
     */
    private final class Writing extends ChannelSender {
        private final int perWrite = Math.max(1, WRITE_BYTES / (4 + size));

        Writing() {
            super(WRITES_PER_TURN);
        }

        @Override
        long write(Channel channel, long n) {
            ByteBuf b = channel.alloc().directBuffer(perWrite * (4 + size));
            for (int i = 0; i < perWrite; i++) {
                b.writeInt(size).writeLong(n++).writeZero(size - 8);
            }
            channel.write(b, channel.voidPromise());
            return n;
        }
    }

    /**
     * Cuts a stream into length-prefixed messages. On the server: counts and checks them, or echoes them on the
     * server's stream; on the client: takes pongs.
     */
    private final class Messages extends ByteToMessageDecoder {
        private final boolean server;
        private long count;

        Messages(boolean server) {
            this.server = server;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            boolean echoed = false;
            while (in.readableBytes() >= 4) {
                int length = in.getInt(in.readerIndex());
                if (length < 8 || length > Scenario.BULK_SIZE) {
                    error.compareAndSet(null, "a message of " + length + " bytes on the stream");
                    in.skipBytes(in.readableBytes());
                    ctx.close();
                    return;
                }
                if (in.readableBytes() < 4 + length) {
                    return;
                }
                long seq = in.getLong(in.readerIndex() + 4);
                if (!server) {
                    writing.takePong(in, in.readerIndex() + 4, length);
                    in.skipBytes(4 + length);
                } else if (echo) {
                    toClient.write(in.readRetainedSlice(4 + length), toClient.voidPromise());
                    echoed = true;
                } else {
                    in.skipBytes(4 + length);
                    if (seq != count) {
                        error.compareAndSet(null, "message " + seq + " arrived when " + count + " was expected");
                    }
                    count = seq + 1;
                    received.setRelease(count);
                }
            }
            if (echoed) {
                toClient.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error.compareAndSet(null, cause.toString());
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        for (Channel c : new Channel[] {clientSocket, serverSocket}) {
            if (c != null) {
                c.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
