/**
 * The one I/O layer under every udpnet server and client: {@link io.udpnet.io.DatagramIo} makes non-blocking
 * {@link io.udpnet.io.UdpSocket}s that move {@link io.udpnet.io.DatagramBatch}es of datagrams per call, and the
 * {@link io.udpnet.io.Poller}s that wait on them; {@link io.udpnet.io.IoLoop} is one I/O thread;
 * {@link io.udpnet.io.ServerSockets} lays a server's sockets out by {@link io.udpnet.io.ServerMode} and hands each
 * {@link io.udpnet.io.SocketGroup}'s datagrams, routed by source, to a protocol's handler. Two implementations: NIO
 * (portable) and, where its module loads, native Linux (batched system calls, GSO/GRO, ICMP on every socket).
 */
package io.udpnet.io;
