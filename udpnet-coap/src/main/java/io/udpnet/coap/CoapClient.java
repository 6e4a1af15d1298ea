package io.udpnet.coap;

import io.udpnet.coap.message.BlockOption;
import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.CoapOption;
import io.udpnet.coap.message.MessageType;
import io.udpnet.coap.message.OptionNumber;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A CoAP client for one server, over a {@link DatagramPipe}: confirmable requests retransmitted with the RFC's
 * back-off, piggy-backed and separate responses, block-wise GET (RFC 7959, re-assembled transparently) and Observe
 * (RFC 7641). Requests are blocking and may be made from several threads at once.
 *
 * <pre>{@code
 * try (CoapClient c = CoapClient.connect(new InetSocketAddress("127.0.0.1", 5683))) {
 *     System.out.println(c.get("/hello").payloadText());
 * }
 * }</pre>
 */
public final class CoapClient implements AutoCloseable {
    /** The Echo option (RFC 9175). */
    private static final int ECHO = 252;
    /** The largest representation re-assembled from blocks. */
    private static final int MAX_BODY = 1 << 20;

    private final ClientExchanges exchanges;
    private final CoapConfig config;
    private volatile Duration responseTimeout = Duration.ofSeconds(100);

    private CoapClient(DatagramPipe pipe, CoapConfig config) {
        this.config = config;
        this.exchanges = new ClientExchanges(pipe, config);
    }

    /**
     * A client over any pipe (plain UDP, DTLS); the client owns the pipe and closes it.
     *
     * @param pipe the pipe to the server
     * @param config timing (and the block size asked for)
     * @return the client
     */
    public static CoapClient open(DatagramPipe pipe, CoapConfig config) {
        return new CoapClient(Objects.requireNonNull(pipe), Objects.requireNonNull(config));
    }

    /**
     * A client over plain UDP ({@code coap://}) with the default configuration.
     *
     * @param server the server's address
     * @return the client
     * @throws IOException when no socket can be opened
     */
    public static CoapClient connect(InetSocketAddress server) throws IOException {
        return open(UdpDatagramPipe.connect(server), CoapConfig.DEFAULT);
    }

    /**
     * Sets how long a request waits for its response in all (after the ACK of a separate response, too).
     *
     * @param timeout the longest wait (default 100 s, a little over MAX_TRANSMIT_WAIT)
     */
    public void responseTimeout(Duration timeout) {
        this.responseTimeout = Objects.requireNonNull(timeout);
    }

    /**
     * GET, confirmable, with block-wise re-assembly.
     *
     * @param path the path, optionally with {@code ?query&items}
     * @return the response (its payload the whole representation)
     * @throws IOException on time-out, Reset, or a representation that changed between blocks
     */
    public CoapResponse get(String path) throws IOException {
        return request(CoapCode.GET, path, new byte[0], -1, true);
    }

    /**
     * PUT, confirmable; a body larger than the block size goes block-wise (Block1).
     *
     * @param path the path
     * @param payload the body
     * @param contentFormat its Content-Format, or -1
     * @return the response
     * @throws IOException on time-out or Reset
     */
    public CoapResponse put(String path, byte[] payload, int contentFormat) throws IOException {
        return request(CoapCode.PUT, path, payload, contentFormat, true);
    }

    /**
     * POST, confirmable; a body larger than the block size goes block-wise (Block1).
     *
     * @param path the path
     * @param payload the body
     * @param contentFormat its Content-Format, or -1
     * @return the response
     * @throws IOException on time-out or Reset
     */
    public CoapResponse post(String path, byte[] payload, int contentFormat) throws IOException {
        return request(CoapCode.POST, path, payload, contentFormat, true);
    }

    /**
     * DELETE, confirmable.
     *
     * @param path the path
     * @return the response
     * @throws IOException on time-out or Reset
     */
    public CoapResponse delete(String path) throws IOException {
        return request(CoapCode.DELETE, path, new byte[0], -1, true);
    }

    /**
     * Any request. A GET answered block-wise is fetched block by block and re-assembled.
     *
     * @param method the method code
     * @param path the path, optionally with {@code ?query&items}
     * @param payload the body
     * @param contentFormat its Content-Format, or -1
     * @param confirmable CON (retransmitted) or NON
     * @return the response
     * @throws IOException on time-out, Reset, or a representation that changed between blocks
     */
    public CoapResponse request(int method, String path, byte[] payload, int contentFormat, boolean confirmable)
            throws IOException {
        if (payload.length > config.blockSize()) {
            CoapMessage last = sendBlockwise(method, path, payload, contentFormat, confirmable);
            return completeBlocks(last, path, confirmable);
        }
        CoapMessage.Builder b = requestBuilder(method, path, confirmable).payload(payload);
        if (contentFormat >= 0) {
            b.option(CoapOption.ofUint(OptionNumber.CONTENT_FORMAT, contentFormat));
        }
        CoapMessage first = await(exchanges.send(b.build()));
        return method == CoapCode.GET ? completeBlocks(first, path, confirmable) : CoapResponse.fromMessage(first,
                first.payload());
    }

    /**
     * Observes a resource (RFC 7641): the first response and every later notification go to {@code listener}, in
     * order (stale, re-ordered notifications are dropped), on the client's reader thread or a virtual thread.
     *
     * @param path the path
     * @param listener receives each representation (re-assembled if block-wise)
     * @return the observation; {@link CoapObservation#isRegistered()} is false when the server declined
     * @throws IOException when the registration GET fails
     */
    public CoapObservation observe(String path, Consumer<CoapResponse> listener) throws IOException {
        CoapMessage req = requestBuilder(CoapCode.GET, path, true)
                .option(CoapOption.ofUint(OptionNumber.OBSERVE, 0)).build();
        CoapObservation obs = new CoapObservation(this, path, req.token(), listener);
        exchanges.addObservation(req.token(), obs::onNotification);
        CoapMessage first;
        try {
            first = await(exchanges.send(req));
        } catch (IOException e) {
            exchanges.removeObservation(req.token());
            throw e;
        }
        obs.onNotification(first);
        if (first.option(OptionNumber.OBSERVE) == null) {
            exchanges.removeObservation(req.token());
            obs.declined();
        }
        return obs;
    }

    /** Ends an observation proactively: a GET with Observe=1 and the same token. */
    void deregister(String path, byte[] token) throws IOException {
        exchanges.removeObservation(token);
        CoapMessage.Builder b = CoapMessage.builder().type(MessageType.CON).code(CoapCode.GET)
                .messageId(exchanges.nextMessageId()).token(token).uriPath(stripQuery(path))
                .option(CoapOption.ofUint(OptionNumber.OBSERVE, 1));
        addQuery(b, path);
        await(exchanges.send(b.build()));
    }

    /** Fetches the remaining blocks of a block-wise notification, off the reader thread. */
    void completeNotification(CoapMessage first, String path, Consumer<CoapResponse> sink) {
        Thread.ofVirtual().start(() -> {
            try {
                sink.accept(completeBlocks(first, path, true));
            } catch (IOException e) {
                System.getLogger("io.udpnet.coap").log(System.Logger.Level.DEBUG,
                        () -> "block-wise notification of " + path + " not completed: " + e);
            }
        });
    }

    /**
     * Sends a body larger than the block size in Block1 blocks (RFC 7959 section 2.5), following a smaller block
     * size if the server asks for one, and returns the response to the last block (or the first error).
     */
    private CoapMessage sendBlockwise(int method, String path, byte[] payload, int contentFormat,
                                      boolean confirmable) throws IOException {
        int szx = BlockOption.szxOf(config.blockSize());
        int offset = 0;
        while (true) {
            int size = 16 << szx;
            int end = Math.min(payload.length, offset + size);
            boolean more = end < payload.length;
            CoapMessage.Builder b = requestBuilder(method, path, confirmable)
                    .payload(Arrays.copyOfRange(payload, offset, end))
                    .option(new BlockOption(offset / size, more, szx).toOption(OptionNumber.BLOCK1));
            if (contentFormat >= 0) {
                b.option(CoapOption.ofUint(OptionNumber.CONTENT_FORMAT, contentFormat));
            }
            if (offset == 0) {
                b.option(CoapOption.ofUint(OptionNumber.SIZE1, payload.length));
            }
            CoapMessage r = await(exchanges.send(b.build()));
            if (!more || r.code() != CoapCode.CONTINUE) {
                return r;
            }
            CoapOption echo = r.option(OptionNumber.BLOCK1);
            BlockOption ack = echo == null ? null : BlockOption.fromUint(echo.asUint());
            if (ack != null && ack.szx() < szx) {
                szx = ack.szx(); // the server wants smaller blocks: carry on from the same byte in its size
            }
            offset = end;
        }
    }

    private CoapResponse completeBlocks(CoapMessage first, String path, boolean confirmable) throws IOException {
        CoapOption opt = first.option(OptionNumber.BLOCK2);
        BlockOption block = opt == null ? null : BlockOption.fromUint(opt.asUint());
        if (block == null || !block.more() || !CoapCode.isResponse(first.code())
                || CoapCode.codeClass(first.code()) != 2) {
            return CoapResponse.fromMessage(first, first.payload());
        }
        CoapOption etag = first.option(OptionNumber.ETAG);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(first.payload());
        int preferred = BlockOption.szxOf(config.blockSize());
        CoapMessage last = first;
        while (block.more()) {
            if (body.size() > MAX_BODY) {
                throw new IOException("representation larger than " + MAX_BODY + " bytes");
            }
            // Ask for the largest block (up to ours) that starts where we are: after small blocks (a server
            // limiting what it sends to an address not yet verified) the size grows back by doubling.
            int szx = preferred;
            while (szx > 0 && body.size() % (16 << szx) != 0) {
                szx--;
            }
            int size = 16 << szx;
            int num = body.size() / size;
            CoapMessage req = requestBuilder(CoapCode.GET, path, confirmable)
                    .option(new BlockOption(num, false, szx).toOption(OptionNumber.BLOCK2)).build();
            last = await(exchanges.send(req));
            CoapOption o = last.option(OptionNumber.BLOCK2);
            block = o == null ? null : BlockOption.fromUint(o.asUint());
            if (CoapCode.codeClass(last.code()) != 2 || block == null) {
                return CoapResponse.fromMessage(last, last.payload());
            }
            CoapOption tag = last.option(OptionNumber.ETAG);
            if (etag != null && tag != null && !Arrays.equals(etag.value(), tag.value())) {
                throw new IOException("the representation of " + path + " changed during the block-wise transfer");
            }
            if (block.offset() != body.size()) {
                throw new IOException("block " + block.num() + " does not follow byte " + body.size());
            }
            body.write(last.payload());
        }
        return CoapResponse.fromMessage(first, body.toByteArray());
    }

    private CoapMessage.Builder requestBuilder(int method, String path, boolean confirmable) {
        CoapMessage.Builder b = CoapMessage.builder().type(confirmable ? MessageType.CON : MessageType.NON)
                .code(method).messageId(exchanges.nextMessageId()).token(ClientExchanges.newToken())
                .uriPath(stripQuery(path));
        byte[] echo = exchanges.takeEcho();
        if (echo != null) {
            b.option(new CoapOption(ECHO, echo)); // proves our address to the server (RFC 9175 section 2.4)
        }
        addQuery(b, path);
        return b;
    }

    private static String stripQuery(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private static void addQuery(CoapMessage.Builder b, String path) {
        int q = path.indexOf('?');
        if (q >= 0) {
            for (String item : path.substring(q + 1).split("&")) {
                if (!item.isEmpty()) {
                    b.option(CoapOption.ofString(OptionNumber.URI_QUERY, item));
                }
            }
        }
    }

    private CoapMessage await(CompletableFuture<CoapMessage> f) throws IOException {
        try {
            return f.get(responseTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new InterruptedIOException("interrupted while waiting for a response");
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new CoapTimeoutException("no response within " + responseTimeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    /**
     * Confirmable messages this client sent again for want of an ACK.
     *
     * @return the count
     */
    public long retransmissions() {
        return exchanges.retransmissions.sum();
    }

    /**
     * Datagrams received that were not well-formed CoAP messages.
     *
     * @return the count
     */
    public long malformedReceived() {
        return exchanges.malformed.sum();
    }

    /** Closes the client and its pipe; requests waiting fail. */
    @Override
    public void close() {
        exchanges.close();
    }
}
