package io.udpnet.jfr;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The one door to udpnet's JDK Flight Recorder events, for the layers that observe the engine (messaging, io): the
 * engine itself stays free of I/O and of JFR. Every method first asks whether its event is enabled in a running
 * recording, through one instance kept for that question only ({@code isEnabled} reads the event type's state, not
 * the instance's), so with no recording a call costs a check and allocates nothing; event objects and address texts
 * are made only when the event is recorded.
 *
 * <p>Event names: {@code io.udpnet.ConnectionOpened}, {@code ConnectionClosed}, {@code HandshakeRefused},
 * {@code DatagramsLost}, {@code PathMtuChanged}, {@code KernelDrops} (all in the category "udpnet").
 */
public final class UdpnetEvents {
    private static final ConnectionOpenedEvent OPENED = new ConnectionOpenedEvent();
    private static final ConnectionClosedEvent CLOSED = new ConnectionClosedEvent();
    private static final HandshakeRefusedEvent REFUSED = new HandshakeRefusedEvent();
    private static final DatagramsLostEvent LOST = new DatagramsLostEvent();
    private static final PathMtuChangedEvent MTU = new PathMtuChangedEvent();
    private static final KernelDropsEvent KERNEL_DROPS = new KernelDropsEvent();

    private UdpnetEvents() {
    }

    /**
     * A connection completed its handshake.
     *
     * @param remote the peer
     * @param server true on the server's side, false on the client's
     */
    public static void connectionOpened(InetSocketAddress remote, boolean server) {
        if (OPENED.isEnabled()) {
            ConnectionOpenedEvent e = new ConnectionOpenedEvent();
            e.remoteAddress = text(remote);
            e.side = side(server);
            e.commit();
        }
    }

    /**
     * A connection ended.
     *
     * @param remote the peer
     * @param server true on the server's side
     * @param code   the disconnect code's name
     * @param reason the text given with it
     * @param byPeer whether the peer ended it
     */
    public static void connectionClosed(InetSocketAddress remote, boolean server, String code, String reason,
                                        boolean byPeer) {
        if (CLOSED.isEnabled()) {
            ConnectionClosedEvent e = new ConnectionClosedEvent();
            e.remoteAddress = text(remote);
            e.side = side(server);
            e.code = code;
            e.reason = reason;
            e.byPeer = byPeer;
            e.commit();
        }
    }

    /**
     * A server refused a client that had proved its address.
     *
     * @param remote the client
     * @param code   the disconnect code the client is told
     * @param reason why
     */
    public static void handshakeRefused(InetSocketAddress remote, String code, String reason) {
        if (REFUSED.isEnabled()) {
            HandshakeRefusedEvent e = new HandshakeRefusedEvent();
            e.remoteAddress = text(remote);
            e.code = code;
            e.reason = reason;
            e.commit();
        }
    }

    /** @return true when either per-connection path event (lost datagrams, MTU changes) is being recorded */
    public static boolean watchingPaths() {
        return LOST.isEnabled() || MTU.isEnabled();
    }

    /**
     * A connection declared datagrams lost.
     *
     * @param remote    the peer
     * @param server    true on the server's side
     * @param datagrams declared lost since the previous event for this connection
     * @param total     declared lost since the connection opened
     */
    public static void datagramsLost(InetSocketAddress remote, boolean server, long datagrams, long total) {
        if (LOST.isEnabled()) {
            DatagramsLostEvent e = new DatagramsLostEvent();
            e.remoteAddress = text(remote);
            e.side = side(server);
            e.datagrams = datagrams;
            e.total = total;
            e.commit();
        }
    }

    /**
     * The largest datagram a connection sends changed.
     *
     * @param remote   the peer
     * @param server   true on the server's side
     * @param previous the previous size, bytes
     * @param current  the new size, bytes
     */
    public static void pathMtuChanged(InetSocketAddress remote, boolean server, int previous, int current) {
        if (MTU.isEnabled()) {
            PathMtuChangedEvent e = new PathMtuChangedEvent();
            e.remoteAddress = text(remote);
            e.side = side(server);
            e.previous = previous;
            e.current = current;
            e.commit();
        }
    }

    /** @return true when kernel drops are being recorded */
    public static boolean watchingKernelDrops() {
        return KERNEL_DROPS.isEnabled();
    }

    /**
     * A server socket lost datagrams.
     *
     * @param socket    the socket's local address
     * @param datagrams dropped since the previous event for this socket
     * @param total     dropped since the socket opened
     */
    public static void kernelDrops(SocketAddress socket, long datagrams, long total) {
        if (KERNEL_DROPS.isEnabled()) {
            KernelDropsEvent e = new KernelDropsEvent();
            e.socket = socket instanceof InetSocketAddress a ? text(a) : String.valueOf(socket);
            e.datagrams = datagrams;
            e.total = total;
            e.commit();
        }
    }

    private static String side(boolean server) {
        return server ? "server" : "client";
    }

    /** {@code host:port}, IPv6 in brackets, without the leading slash of {@link InetSocketAddress#toString()}. */
    static String text(InetSocketAddress a) {
        if (a == null) {
            return "";
        }
        if (a.getAddress() == null) {
            return a.getHostString() + ":" + a.getPort();
        }
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
