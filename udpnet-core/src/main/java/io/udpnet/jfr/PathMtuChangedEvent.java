package io.udpnet.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The largest datagram a connection sends changed (a probe succeeded, a black hole was found, or the network
 * reported a smaller MTU).
 */
@Name("io.udpnet.PathMtuChanged")
@Label("Path MTU Changed")
@Category({"udpnet"})
@Description("The largest datagram a connection sends changed (a probe succeeded, a black hole was found, or the "
        + "network reported a smaller MTU).")
@StackTrace(false)
final class PathMtuChangedEvent extends jdk.jfr.Event {
    @Label("Remote Address")
    String remoteAddress;

    @Label("Side")
    @Description("server or client")
    String side;

    @Label("Previous")
    @Description("The previous largest datagram, bytes of UDP payload")
    int previous;

    @Label("Current")
    @Description("The new largest datagram, bytes of UDP payload")
    int current;
}
