package io.udpnet.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A server refused a client that had proved its address (admission policy, connection limit, backlog, shutdown). */
@Name("io.udpnet.HandshakeRefused")
@Label("Handshake Refused")
@Category({"udpnet"})
@Description("A server refused a client that had proved its address (admission policy, connection limit, backlog, "
        + "shutdown).")
@StackTrace(false)
final class HandshakeRefusedEvent extends jdk.jfr.Event {
    @Label("Remote Address")
    String remoteAddress;

    @Label("Code")
    @Description("The DisconnectCode the client is told")
    String code;

    @Label("Reason")
    String reason;
}
