package io.udpnet.cli;

import io.udpnet.coap.CoapResource;
import io.udpnet.coap.CoapResponse;
import io.udpnet.coap.CoapServer;
import io.udpnet.coap.CoapServerStats;
import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.ContentFormat;
import io.udpnet.transport.UdpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** {@code udpnet coap-server}: a CoAP server with demo resources, for trying CoAP clients against. */
@Command(name = "coap-server", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Runs a CoAP (RFC 7252) server on coap:// (plain UDP) with demo resources:",
                "  /hello              text",
                "  /large              5,000 bytes of text, served block-wise (RFC 7959 Block2)",
                "  /counter            a number that changes every second; observable (RFC 7641)",
                "  /.well-known/core   the resource list in link format (RFC 6690)",
                "Fetch with libcoap (Debian's libcoap3-bin names it coap-client-notls): "
                        + "coap-client -m get coap://127.0.0.1:5683/hello; "
                        + "observe with: coap-client -s 10 -m get coap://127.0.0.1:5683/counter",
                "coaps:// (DTLS, on PORT+1 as libcoap's server does) is not available yet: it comes with DTLS.",
                "Runs until interrupted (Ctrl-C), then prints a summary.",
                "Exit status: 0 after a clean stop, 1 when the port cannot be bound, 2 for bad arguments."})
final class CoapServerCommand implements Callable<Integer> {
    /** The demo /large resource: over four KiB so every client has to fetch it block by block. */
    static final byte[] LARGE = large();

    @Spec
    CommandSpec spec;

    @Option(names = "--bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:5683",
            description = "address for coap:// (default: ${DEFAULT-VALUE}); :PORT for every interface, "
                    + "[::1]:PORT for IPv6")
    String bind;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
            description = "stop after this many seconds; 0 = run until interrupted")
    double duration;

    @Override
    public Integer call() {
        InetSocketAddress address;
        try {
            address = Addresses.bind("--bind", bind);
            if (!(duration >= 0)) {
                throw new IllegalArgumentException("--duration: a number of seconds >= 0 expected");
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        AtomicLong counter = new AtomicLong();
        CoapResource counterResource = CoapResource.builder("/counter").observable()
                .attribute("ct", "0").attribute("title", "\"changes every second\"")
                .get(r -> CoapResponse.text(Long.toString(counter.get())).withMaxAge(2))
                .build();
        CoapServer coap = CoapServer.builder()
                .resource(CoapResource.builder("/hello").attribute("ct", "0").attribute("rt", "\"greeting\"")
                        .get(r -> CoapResponse.text("Hello from udpnet")).build())
                .resource(CoapResource.builder("/large").attribute("ct", "0")
                        .attribute("sz", Integer.toString(LARGE.length))
                        .get(r -> CoapResponse.of(CoapCode.CONTENT, LARGE, ContentFormat.TEXT_PLAIN)).build())
                .resource(counterResource)
                .build();
        UdpServer plain;
        try {
            plain = coap.bind(address);
            // coaps:// goes here once DTLS is merged: coap.open(a UdpServerConfig.Builder with DTLS on PORT+1,
            // true), serving the same resources (true: DTLS verifies addresses, no amplification limit).
        } catch (IOException e) {
            coap.close();
            spec.commandLine().getErr().println("udpnet: cannot listen on " + Addresses.text(address) + ": "
                    + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        out.println("udpnet CoAP server on coap://" + Addresses.text(plain.localAddress()) + " (coaps:// not yet "
                + "available); try: coap-client -m get coap://" + Addresses.reachable(plain.localAddress())
                + "/hello");
        out.flush();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coap-demo-counter");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            counter.incrementAndGet();
            counterResource.changed();
        }, 1, 1, TimeUnit.SECONDS);
        long start = System.nanoTime();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch summarised = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                summarised.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "udpnet-coap-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (duration > 0) {
                stop.await((long) (duration * 1e9), TimeUnit.NANOSECONDS);
            } else {
                stop.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // interrupted: stop like Ctrl-C
        } finally {
            ticker.shutdownNow();
            CoapServerStats s = coap.stats();
            coap.close();
            out.printf("coap-server stopped after %.1f s: %d requests, %d duplicates answered from the cache, "
                            + "%d malformed datagrams dropped, %d notifications sent%n",
                    (System.nanoTime() - start) / 1e9, s.requests(), s.duplicates(), s.malformed(),
                    s.notifications());
            out.flush();
            summarised.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running and waits for the summary, now printed.
            }
        }
        return 0;
    }

    private static byte[] large() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 5000 - 40; i++) {
            sb.append(String.format("line %03d of the large udpnet resource%n", i));
        }
        while (sb.length() < 5000) {
            sb.append('.');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
