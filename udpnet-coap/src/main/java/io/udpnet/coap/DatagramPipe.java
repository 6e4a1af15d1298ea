package io.udpnet.coap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A connected datagram path to one peer, all a {@link CoapClient} needs from its transport: plain UDP
 * ({@link UdpDatagramPipe}) or, later, a DTLS session. {@link #send} and {@link #receive} may be called from different
 * threads at the same time.
 */
public interface DatagramPipe extends AutoCloseable {

    /**
     * Sends one datagram.
     *
     * @param datagram the bytes between position and limit; the position advances
     * @throws IOException when it cannot be sent (for example the pipe is closed)
     */
    void send(ByteBuffer datagram) throws IOException;

    /**
     * Waits at most {@code timeout} for one datagram and copies it into {@code dst}.
     *
     * @param dst where it goes, from the position; a longer datagram is cut to fit
     * @param timeout the longest wait
     * @return the bytes written into {@code dst}, or -1 when none arrived in time
     * @throws IOException when the pipe is closed or failed
     */
    int receive(ByteBuffer dst, Duration timeout) throws IOException;

    /** Closes the pipe; a thread blocked in {@link #receive} gets an exception. Idempotent. */
    @Override
    void close();
}
