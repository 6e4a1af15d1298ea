package io.udpnet.io;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One UDP socket of a {@link DatagramIo}, always non-blocking: {@link #receive} and {@link #send} move as many
 * datagrams as the kernel has or takes now and return at once. Readiness comes from the {@link Poller} the socket is
 * registered with. Made by {@link DatagramIo#open}.
 *
 * <p>Threads: {@link #receive}, {@link #send}, {@link #connect} and {@link #close} are called by the one thread that
 * owns the socket (its I/O loop). {@link #sendTo} may be called by any thread at any time, also concurrently.
 */
public interface UdpSocket extends Closeable {

    /**
     * Binds the socket.
     *
     * @param local the address; port 0 picks a free port
     * @throws IOException when the address is taken or cannot be bound
     */
    void bind(InetSocketAddress local) throws IOException;

    /**
     * Connects the socket to {@code peer}: from then on the kernel hands it only that peer's new datagrams (in
     * preference to unconnected sockets on the same port), and ICMP errors about the peer are reported on it.
     *
     * <p>Nothing already received is lost. Datagrams that reached the socket before the connect, from any source,
     * are either still returned by later {@link #receive} calls with their real source address (the native
     * implementation), or copied into {@code strays} first (the NIO one, whose connect discards what the socket
     * holds). Either way callers route every received datagram by its source, never by the connected peer alone.
     * What does not fit into {@code strays} is dropped and counted in {@link #drops()}.
     *
     * @param peer   the peer
     * @param strays receives what the socket held, where the implementation must take it out; appended to
     * @throws IOException when connecting fails
     */
    void connect(InetSocketAddress peer, DatagramBatch strays) throws IOException;

    /**
     * Moves the datagrams waiting in the socket into {@code batch}, after those it already holds, until the batch
     * is full or the socket empty. Errors the socket reports (ICMP, on a connected socket always; on an unconnected
     * one where the implementation can tell, see {@link DatagramIo#reportsErrorsUnconnected()}) go to
     * {@code errors}.
     *
     * @param batch  where the datagrams go, with their sources
     * @param errors where errors about peers go
     * @return the datagrams added
     * @throws IOException when the socket failed (closed, or an error that is not about one peer)
     */
    int receive(DatagramBatch batch, PathError.Handler errors) throws IOException;

    /**
     * Sends the datagrams of {@code batch}, in order, each to its peer (ignored on a connected socket), in as few
     * system calls as the implementation can. Stops at the first datagram the kernel does not take because its send
     * buffer is full. A datagram refused for a reason that concerns only itself (too big for the path, port
     * unreachable on a connected socket) is reported to {@code errors} and passed over.
     *
     * @param batch  the datagrams; left unchanged
     * @param errors where errors about peers go
     * @return how many datagrams of the batch were dealt with (sent or reported): the rest were not sent for want of
     *         buffer space
     * @throws IOException when the socket failed
     */
    int send(DatagramBatch batch, PathError.Handler errors) throws IOException;

    /**
     * Sends one datagram now, from any thread.
     *
     * @param datagram the bytes, position..limit; the position advances past what was sent
     * @param peer     the destination; ignored (may be null) on a connected socket
     * @return the bytes sent, 0 when the send buffer is full
     * @throws IOException on an error, for example {@link java.net.PortUnreachableException} on a connected socket
     */
    int sendTo(ByteBuffer datagram, InetSocketAddress peer) throws IOException;

    /** @return the bound address, or null before {@link #bind} */
    InetSocketAddress localAddress();

    /** @return the connected peer, or null */
    InetSocketAddress remoteAddress();

    /** @return the receive buffer size the kernel granted */
    int receiveBufferBytes();

    /** @return the send buffer size the kernel granted */
    int sendBufferBytes();

    /**
     * Datagrams lost at this socket: dropped by the kernel because the receive queue was full (where the
     * implementation can count them, see {@link DatagramIo#countsKernelDrops()}), plus strays that did not fit.
     *
     * @return the count since the socket was opened
     */
    long drops();

    /** @return false once closed */
    boolean isOpen();

    /** Closes the socket and takes it out of its poller. Idempotent; never throws. */
    @Override
    void close();
}
