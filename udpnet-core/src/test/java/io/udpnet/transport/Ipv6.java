package io.udpnet.transport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

/** Finds the IPv6 loopback address, or skips the test where it cannot be bound. */
public final class Ipv6 {
    private Ipv6() {
    }

    public static InetSocketAddress loopbackOrSkip() throws IOException {
        InetAddress v6 = InetAddress.getByName("::1");
        boolean usable;
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(v6, 0));
            usable = v6 instanceof Inet6Address;
        } catch (IOException | UnsupportedOperationException e) {
            usable = false;
        }
        assumeTrue(usable, "::1 is not available here");
        return new InetSocketAddress(v6, 0);
    }
}
