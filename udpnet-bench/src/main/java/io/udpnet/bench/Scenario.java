package io.udpnet.bench;

import java.util.Locale;

/** What {@code udpnet bench} measures; {@code all} on the command line runs each in turn. */
enum Scenario {
    /** One sender, one receiver, messages of {@code --size} bytes, reliable-ordered where the peer offers it. */
    THROUGHPUT("one sender, one receiver, messages of --size bytes, reliable-ordered where the peer offers it"),
    /** 1 MiB reliable-ordered messages: bytes per second. */
    BULK("1 MiB reliable-ordered messages (raw and netty: full 1472-byte datagrams, the byte limit)"),
    /** Round trips on a fixed schedule, see {@link PingSchedule}. */
    PINGPONG("round trips of --size-byte messages sent at a fixed --rate, timed from when each was due"),
    /** Unreliable-sequenced fragmented messages through a lossy relay, beside the theory. */
    LOSS("unreliable-sequenced messages of 1..32 fragments through an impairment relay losing 1% and 5% of "
            + "datagrams, at --rate messages/s for --duration s per fragment count; delivery beside (1-p)^n"),
    /** Many connections, each sending a few messages per second to one server that echoes them. */
    SCALE("--clients connections (a row per count) to one server, each sending 20 messages/s that the server "
            + "echoes; round trips timed from when each message was due, messages lost, the server's own CPU per "
            + "message, cores, heap and RSS per connection (udpnet's server runs in a JVM of its own), handshakes/s "
            + "with every connection started at once, and the server's cores while the connections idle"),
    /** udpnet's server modes, at the datagram level and at the message level. */
    MODES("udpnet's server modes (--modes) with --connections peers: datagrams echoed by a UdpServer, and "
            + "reliable-ordered --size-byte messages counted by a MessageServer; a fresh server per iteration");

    /** The message size of {@link #BULK}. */
    static final int BULK_SIZE = 1 << 20;

    private final String description;

    Scenario(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    String option() {
        return name().toLowerCase(Locale.ROOT);
    }
}
