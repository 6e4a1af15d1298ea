package io.udpnet.messaging;

/**
 * Counters of a {@link MessageClient}.
 *
 * @param io          the I/O implementation its sockets use ({@code nio}, {@code native-linux})
 * @param connections connections open or being opened
 * @param sendDrops   datagrams dropped because a connection's socket send buffer was full
 */
public record MessageClientStats(String io, int connections, long sendDrops) {
}
