package io.udpnet.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A udpnet connection completed its handshake. */
@Name("io.udpnet.ConnectionOpened")
@Label("Connection Opened")
@Category({"udpnet"})
@Description("A udpnet connection completed its handshake.")
@StackTrace(false)
final class ConnectionOpenedEvent extends jdk.jfr.Event {
    @Label("Remote Address")
    String remoteAddress;

    @Label("Side")
    @Description("server or client")
    String side;
}
