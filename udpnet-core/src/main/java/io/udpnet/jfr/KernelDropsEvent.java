package io.udpnet.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Datagrams lost at a server socket since its previous event of this kind: the kernel receive queue overflowed
 * (where the I/O can count it) or a hand-off could not keep them.
 */
@Name("io.udpnet.KernelDrops")
@Label("Kernel Drops")
@Category({"udpnet"})
@Description("Datagrams lost at a server socket since its previous event of this kind: the kernel receive queue "
        + "overflowed (where the I/O can count it) or a hand-off could not keep them.")
@StackTrace(false)
final class KernelDropsEvent extends jdk.jfr.Event {
    @Label("Socket")
    @Description("The local address of the socket")
    String socket;

    @Label("Datagrams")
    @Description("Dropped since the previous event for this socket")
    long datagrams;

    @Label("Total")
    @Description("Dropped since the socket opened")
    long total;
}
