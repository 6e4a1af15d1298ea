package io.udpnet.cli;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressesTest {

    @Test
    void aBindAddressWithoutHostIsEveryInterface() {
        InetSocketAddress a = Addresses.bind("--bind", ":7000");
        assertTrue(a.getAddress().isAnyLocalAddress(), a.toString());
        assertEquals(7000, a.getPort());
        assertTrue(Addresses.bind("--bind", "7001").getAddress().isAnyLocalAddress());
        assertEquals(InetAddress.getLoopbackAddress(), Addresses.bind("--bind", "127.0.0.1:7000").getAddress());
    }

    @Test
    void aPeerAddressWithoutHostIsLoopback() {
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000),
                Addresses.peer("HOST:PORT", ":7000"));
    }

    @Test
    void aPeerCannotBeOnPortZero() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Addresses.peer("HOST:PORT", "127.0.0.1:0"));
        assertEquals("HOST:PORT: port 1..65535 expected, got 0 in '127.0.0.1:0'", e.getMessage());
    }

    @Test
    void printedAddressesHaveNoLeadingSlashAndReadBack() {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000);
        assertTrue(v4.toString().contains("/"), "the JDK's own form, which the commands must not print");
        assertEquals("127.0.0.1:7000", Addresses.text(v4));
        InetSocketAddress v6 = Addresses.peer("x", "[::1]:7000");
        assertEquals("[0:0:0:0:0:0:0:1]:7000", Addresses.text(v6));
        assertEquals(v6, Addresses.peer("x", Addresses.text(v6)));
    }

    @Test
    void aWildcardPrintsAsStarAndIsReachedThroughLoopback() {
        InetSocketAddress any = Addresses.bind("--bind", "0.0.0.0:7000");
        assertEquals("*:7000", Addresses.text(any));
        assertEquals("127.0.0.1:7000", Addresses.reachable(any));
        InetSocketAddress v6any = Addresses.bind("--bind", "[::]:7000");
        assertEquals("127.0.0.1:7000", Addresses.reachable(v6any));
        assertFalse(Addresses.reachable(v6any).contains("0:0:0:0"));
    }
}
