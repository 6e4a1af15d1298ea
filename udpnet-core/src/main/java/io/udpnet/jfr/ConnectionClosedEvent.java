package io.udpnet.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A udpnet connection ended, or a client's connect failed. */
@Name("io.udpnet.ConnectionClosed")
@Label("Connection Closed")
@Category({"udpnet"})
@Description("A udpnet connection ended, or a client's connect failed.")
@StackTrace(false)
final class ConnectionClosedEvent extends jdk.jfr.Event {
    @Label("Remote Address")
    String remoteAddress;

    @Label("Side")
    @Description("server or client")
    String side;

    @Label("Code")
    @Description("The DisconnectCode")
    String code;

    @Label("Reason")
    @Description("The text given with the code, from the application or the peer")
    String reason;

    @Label("By Peer")
    @Description("Whether the peer ended the connection")
    boolean byPeer;
}
