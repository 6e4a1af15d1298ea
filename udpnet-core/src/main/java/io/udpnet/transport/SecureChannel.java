package io.udpnet.transport;

import io.udpnet.dtls.DtlsPeer;
import io.udpnet.io.SocketGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The DTLS side of a secure {@link DatagramSession}: its association, the lock that serialises the I/O thread's
 * decryption with senders' encryption, and the output that writes records to the socket and hands plaintext to the
 * session. Kept apart so that a plain session carries none of it.
 */
final class SecureChannel {
    private final DtlsPeer peer;
    private final SocketGroup group;
    private final InetSocketAddress remote;
    private final Counters counters;
    private final ReentrantLock lock = new ReentrantLock();
    private final Output output = new Output();
    private DatagramSession session;

    SecureChannel(DtlsPeer peer, SocketGroup group, InetSocketAddress remote, Counters counters) {
        this.peer = peer;
        this.group = group;
        this.remote = remote;
        this.counters = counters;
    }

    void bind(DatagramSession s) {
        this.session = s;
    }

    DtlsPeer peer() {
        return peer;
    }

    /** Encrypts one datagram into one record and sends it; the plaintext length, as a plain send returns. */
    int send(ByteBuffer src) throws IOException {
        int length = src.remaining();
        lock.lock();
        try {
            output.error = null;
            if (!peer.send(src, output)) {
                throw new IllegalArgumentException("a datagram of " + length + " bytes does not fit one DTLS record "
                        + "within the server's maximum datagram size");
            }
            IOException e = output.error;
            output.error = null;
            if (e != null) {
                throw e;
            }
            return length;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Decrypts a datagram's records, delivering the plaintext to the session, and answers what must be answered.
     *
     * @return the records dropped as invalid
     */
    long receive(ByteBuffer datagram, long now) {
        lock.lock();
        try {
            long invalid = peer.invalidRecords();
            output.deliver = true;
            peer.receive(datagram, now, output);
            output.deliver = false;
            return peer.invalidRecords() - invalid;
        } finally {
            lock.unlock();
        }
    }

    /** Sends close_notify (nothing when the association already ended). */
    void close() {
        lock.lock();
        try {
            peer.close(output);
        } finally {
            lock.unlock();
        }
    }

    /** Records go straight to the socket; plaintext to the session's handler or queue. */
    private final class Output implements DtlsPeer.Output {
        IOException error;
        boolean deliver;

        @Override
        public void transmit(ByteBuffer datagram) {
            try {
                counters.sent(group.sendNow(remote, datagram));
            } catch (IOException e) {
                error = e;
            }
        }

        @Override
        public void plaintext(ByteBuffer data) {
            if (deliver) {
                session.deliver(data);
            }
        }
    }

    @Override
    public String toString() {
        return "SecureChannel[" + remote + ", " + peer.state() + "]";
    }
}
