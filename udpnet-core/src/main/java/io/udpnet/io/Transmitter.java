package io.udpnet.io;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * An output batch for one I/O thread that owns several sockets: datagrams are written straight into its slots, and
 * consecutive datagrams through the same socket leave together in one {@link UdpSocket#send} (so a run to one peer can
 * become one GSO call). The batch goes out when it is full, when the next datagram needs another socket, and at
 * {@link #flush()}. Loop thread only; allocates nothing after construction.
 */
public final class Transmitter {

    /** What became of the datagrams of one send. */
    public interface Outcome {
        /**
         * The kernel took them.
         *
         * @param datagrams how many
         * @param bytes     their bytes
         */
        void sent(int datagrams, long bytes);

        /**
         * The socket's send buffer was full: they are lost, as far as the peers know.
         *
         * @param datagrams how many
         */
        void dropped(int datagrams);

        /**
         * The send failed as a whole (not about one peer); the batch is dropped.
         *
         * @param socket the socket
         * @param error  what happened
         */
        void failed(UdpSocket socket, IOException error);
    }

    private final DatagramBatch out;
    private final PathError.Handler errors;
    private final Outcome outcome;
    /** The socket the datagrams in {@link #out} go through; null while it is empty. */
    private UdpSocket socket;

    /**
     * Allocates the batch.
     *
     * @param batchSize       datagrams per send, 1..1024
     * @param maxDatagramSize the largest datagram written
     * @param errors          gets the errors the sockets report about peers
     * @param outcome         gets what became of each send
     */
    public Transmitter(int batchSize, int maxDatagramSize, PathError.Handler errors, Outcome outcome) {
        this.out = new DatagramBatch(batchSize, maxDatagramSize);
        this.errors = errors;
        this.outcome = outcome;
    }

    /**
     * The buffer to write the next datagram into, from index 0, left flipped (position 0, limit its length); then
     * {@link #commit}.
     *
     * @return a direct buffer of the largest datagram size
     */
    public ByteBuffer slot() {
        return out.slot(out.count());
    }

    /**
     * Queues the datagram written into {@link #slot()}.
     *
     * @param via the socket it leaves through
     * @param to  its destination (ignored by a connected socket)
     */
    public void commit(UdpSocket via, InetSocketAddress to) {
        ByteBuffer written = out.written(out.count());
        int length = written.limit();
        if (via != socket && !out.isEmpty()) {
            flush();
            out.slot(0).put(0, written, 0, length);
        }
        socket = via;
        out.add(to, length);
        if (out.isFull()) {
            flush();
        }
    }

    /**
     * Copies {@code datagram} (position..limit, not consumed) into the next slot and queues it.
     *
     * @param via      the socket it leaves through
     * @param to       its destination
     * @param datagram at most the largest datagram size
     */
    public void send(UdpSocket via, InetSocketAddress to, ByteBuffer datagram) {
        slot().put(0, datagram, datagram.position(), datagram.remaining()).limit(datagram.remaining());
        commit(via, to);
    }

    /** @return the socket the queued datagrams go through, or null when none are queued */
    public UdpSocket socket() {
        return socket;
    }

    /** Sends what is queued. */
    public void flush() {
        int n = out.count();
        if (n == 0) {
            return;
        }
        int dealt;
        try {
            dealt = socket.send(out, errors);
        } catch (IOException e) {
            dealt = 0;
            outcome.failed(socket, e);
        }
        long bytes = 0;
        for (int i = 0; i < dealt; i++) {
            bytes += out.length(i);
        }
        if (dealt > 0) {
            outcome.sent(dealt, bytes);
        }
        if (dealt < n) {
            outcome.dropped(n - dealt);
        }
        out.clear();
        socket = null;
    }
}
