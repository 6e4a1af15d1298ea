package io.udpnet.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Datagrams a connection declared lost since its previous event of this kind, one event per connection per I/O turn.
 */
@Name("io.udpnet.DatagramsLost")
@Label("Datagrams Lost")
@Category({"udpnet"})
@Description("Datagrams a connection declared lost since its previous event of this kind, one event per "
        + "connection per I/O turn.")
@StackTrace(false)
final class DatagramsLostEvent extends jdk.jfr.Event {
    @Label("Remote Address")
    String remoteAddress;

    @Label("Side")
    @Description("server or client")
    String side;

    @Label("Datagrams")
    @Description("Declared lost since the previous event for this connection (or since it opened)")
    long datagrams;

    @Label("Total")
    @Description("Declared lost since the connection opened")
    long total;
}
