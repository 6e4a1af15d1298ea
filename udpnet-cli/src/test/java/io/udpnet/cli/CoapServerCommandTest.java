package io.udpnet.cli;

import io.udpnet.cli.ChatCommandsTest.Run;
import io.udpnet.coap.CoapClient;
import io.udpnet.coap.CoapObservation;
import io.udpnet.coap.CoapResponse;
import io.udpnet.coap.message.CoapCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class CoapServerCommandTest {

    @Test
    void servesTheDemoResources() throws Exception {
        int port = ChatCommandsTest.freePort();
        Run server = new Run(Main.commandLine(), "coap-server", "--bind", "127.0.0.1:" + port);
        server.await("the server", () -> server.out().contains("CoAP server on"));
        assertTrue(server.out().startsWith("udpnet CoAP server on coap://127.0.0.1:" + port), server.out());
        try (CoapClient c = CoapClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals("Hello from udpnet", c.get("/hello").payloadText());
            CoapResponse large = c.get("/large");
            assertEquals(CoapCode.CONTENT, large.code());
            assertTrue(large.payload().length >= 4096);
            assertArrayEquals(CoapServerCommand.LARGE, large.payload());
            String links = c.get("/.well-known/core").payloadText();
            assertTrue(links.contains("</hello>") && links.contains("</large>") && links.contains("</counter>;obs"),
                    links);
            List<Long> values = new CopyOnWriteArrayList<>();
            try (CoapObservation o = c.observe("/counter", r -> values.add(Long.parseLong(r.payloadText())))) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (values.size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(o.isRegistered());
            }
            assertTrue(values.size() >= 3, "the counter changes every second: " + values);
            assertTrue(values.get(2) > values.get(1) && values.get(1) > values.get(0), values.toString());
        }
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
        assertTrue(server.out().contains("coap-server stopped after"), server.out());
    }

    @Test
    void helpSaysWhatIsServedAndThatCoapsIsNotThereYet() {
        Run help = new Run(Main.commandLine(), "coap-server", "--help");
        assertEquals(0, help.exit.join());
        assertTrue(help.out().contains("/counter") && help.out().contains("coaps:// (DTLS"), help.out());
    }

    @Test
    void badArgumentsExitTwoAndATakenPortExitsOne() throws Exception {
        Run bad = new Run(Main.commandLine(), "coap-server", "--bind", "nohost:notaport");
        assertEquals(2, bad.exit.join());
        Run unknown = new Run(Main.commandLine(), "coap-server", "--nope");
        assertEquals(2, unknown.exit.join());
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Run busy = new Run(Main.commandLine(), "coap-server", "--bind", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(1, busy.exit.join());
            assertTrue(busy.err.toString().contains("cannot listen"), busy.err.toString());
        }
    }
}
