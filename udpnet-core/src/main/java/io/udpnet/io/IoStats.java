package io.udpnet.io;

/**
 * A snapshot of a server's socket counters.
 *
 * @param io               the I/O implementation in use ({@code nio}, {@code native-linux})
 * @param datagramsIn      datagrams read from the sockets
 * @param bytesIn          their bytes
 * @param datagramsOut     datagrams the kernel took
 * @param bytesOut         their bytes
 * @param oversize         datagrams dropped for being larger than the largest accepted
 * @param sendDrops        datagrams not sent because a socket's send buffer was full
 * @param sendErrors       sends that failed as a whole (not about one peer)
 * @param receiveErrors    reads that failed
 * @param pathErrors       errors reported about peers (ICMP, too big for the path)
 * @param handlerErrors    datagrams or errors the protocol's handler threw on (a bug there, counted and logged)
 * @param strays           datagrams a new per-peer socket had caught before it was connected, routed by source
 * @param socketDrops      datagrams lost at the sockets: kernel receive-queue overflows where the I/O can count
 *                         them, strays that did not fit
 * @param connectedSockets per-peer sockets open now (CONNECTED mode)
 */
public record IoStats(String io, long datagramsIn, long bytesIn, long datagramsOut, long bytesOut, long oversize,
                      long sendDrops, long sendErrors, long receiveErrors, long pathErrors, long handlerErrors,
                      long strays, long socketDrops, int connectedSockets) {
}
