package io.udpnet.io;


import java.io.IOException;
import java.util.ServiceLoader;

/**
 * A way of doing UDP I/O: it opens {@link UdpSocket}s and the {@link Poller}s that wait on them. Two exist: the
 * portable one on JDK NIO ({@link #nio()}), and a native Linux one (module {@code io.udpnet.nativeio}, found through
 * {@link ServiceLoader}) with batched system calls, UDP GSO/GRO, ICMP errors on every socket and kernel drop
 * counters. {@link #defaultIo()} picks the native one where it loads and NIO otherwise, and logs the choice.
 *
 * <p>The system property {@code udpnet.io} overrides the choice: {@code nio} always uses NIO, {@code native} fails
 * when the native implementation cannot load, {@code auto} (the default) falls back quietly.
 */
public interface DatagramIo {

    /** @return a short name: {@code nio}, {@code native-linux} */
    String name();

    /**
     * Opens an unbound socket. The address family is dual-stack where the system has IPv6, so one socket serves IPv4
     * and IPv6 peers.
     *
     * @param options buffer sizes, reuse and don't-fragment
     * @return the socket
     * @throws IOException when no socket can be made
     */
    UdpSocket open(SocketOptions options) throws IOException;

    /**
     * Opens a poller for this implementation's sockets.
     *
     * @return the poller
     * @throws IOException when none can be made
     */
    Poller openPoller() throws IOException;

    /** @return true when {@link UdpSocket#connect} keeps what the socket already received in the socket */
    boolean connectKeepsQueued();

    /** @return true when unconnected sockets report ICMP errors about their peers */
    boolean reportsErrorsUnconnected();

    /** @return true when {@link UdpSocket#drops()} includes the kernel's receive-queue drops */
    boolean countsKernelDrops();

    /** @return true when SO_REUSEPORT is available */
    boolean supportsReusePort();

    /** @return the portable implementation on JDK NIO */
    static DatagramIo nio() {
        return NioDatagramIo.INSTANCE;
    }

    /**
     * The implementation to use: chosen once per JVM, see the class comment.
     *
     * @return the native implementation where it loads, else NIO
     * @throws IllegalStateException when {@code udpnet.io=native} and the native implementation cannot load
     */
    static DatagramIo defaultIo() {
        return IoChoice.get();
    }
}
