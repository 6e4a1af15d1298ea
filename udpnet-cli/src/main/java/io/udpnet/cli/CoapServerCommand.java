package io.udpnet.cli;

import io.udpnet.coap.CoapConfig;
import io.udpnet.coap.CoapResource;
import io.udpnet.coap.CoapResponse;
import io.udpnet.coap.CoapServer;
import io.udpnet.coap.CoapServerStats;
import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.ContentFormat;
import io.udpnet.dtls.DtlsCredentials;
import io.udpnet.dtls.DtlsServerConfig;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        description = {"Runs a CoAP (RFC 7252) server on coap:// (plain UDP) at PORT and on coaps:// (DTLS 1.2) at "
                + "PORT+1, as libcoap's server does, with the same demo resources on both:",
                "  /hello              text",
                "  /large              5,000 bytes of text, served block-wise (RFC 7959 Block2)",
                "  /counter            a number that changes every second; observable (RFC 7641)",
                "  /.well-known/core   the resource list in link format (RFC 6690)",
                "Fetch with libcoap (Debian's libcoap3-bin: coap-client-notls, -gnutls, -openssl): "
                        + "coap-client -m get coap://127.0.0.1:5683/hello; "
                        + "observe with: coap-client -s 10 -m get coap://127.0.0.1:5683/counter; "
                        + "over DTLS: coap-client-openssl -m get coaps://127.0.0.1:5684/hello",
                "coaps:// uses certificates only (the JDK has no PSK cipher suites): without --cert/--key or "
                        + "--pkcs12 the server makes a self-signed certificate and prints its SHA-256 fingerprint "
                        + "on standard error (clients pin it, or trust the --cert file). With --bind HOST:0 "
                        + "both ports are picked by the system.",
                "Runs until interrupted (Ctrl-C), then prints a summary.",
                "Exit status: 0 after a clean stop, 1 when a port cannot be bound, 2 for bad arguments."})
final class CoapServerCommand implements Callable<Integer> {
    /** The demo /large resource: over four KiB so every client has to fetch it block by block. */
    static final byte[] LARGE = large();

    @Spec
    CommandSpec spec;

    @Option(names = "--bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:5683",
            description = "address for coap:// (default: ${DEFAULT-VALUE}); :PORT for every interface, "
                    + "[::1]:PORT for IPv6")
    String bind;

    @Option(names = "--no-dtls", description = "serve coap:// only, no coaps://")
    boolean noDtls;

    @Mixin
    DtlsKeyFiles keys;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
            description = "stop after this many seconds; 0 = run until interrupted")
    double duration;

    @Override
    public Integer call() {
        InetSocketAddress address;
        InetSocketAddress secureAddress = null;
        DtlsCredentials credentials = null;
        try {
            address = Addresses.bind("--bind", bind);
            if (!(duration >= 0)) {
                throw new IllegalArgumentException("--duration: a number of seconds >= 0 expected");
            }
            if (noDtls) {
                if (keys.given()) {
                    throw new IllegalArgumentException("--cert, --key, --pkcs12 and --password are for coaps://, "
                            + "which --no-dtls turns off");
                }
            } else {
                secureAddress = secureAddress(address);
                credentials = keys.load();
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
        UdpServer secure = null;
        InetSocketAddress binding = address;
        try {
            plain = coap.bind(address);
            if (secureAddress != null) {
                binding = secureAddress;
                // The same resources behind DTLS; true: the cookie exchange has proven every peer's address, so
                // no amplification limit applies there.
                secure = coap.open(UdpServerConfig.builder().bindAddress(secureAddress)
                        .idleTimeout(CoapConfig.DEFAULT.exchangeLifetime()) // as bind() does for coap://
                        .dtls(DtlsServerConfig.builder().credentials(credentials).build()), true);
            }
        } catch (IOException e) {
            coap.close();
            spec.commandLine().getErr().println("udpnet: cannot listen on " + Addresses.text(binding) + ": "
                    + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        if (secure != null) {
            DtlsCredentials id = secure.dtlsCredentials().orElseThrow();
            PrintWriter err = spec.commandLine().getErr();
            err.println("coaps:// certificate " + id.certificate().getSubjectX500Principal().getName()
                    + (credentials == null ? " (self-signed, made now)" : "") + ", SHA-256 fingerprint "
                    + id.fingerprint());
            err.flush();
        }
        out.println("udpnet CoAP server on coap://" + Addresses.text(plain.localAddress())
                + (secure == null ? "" : " and coaps://" + Addresses.text(secure.localAddress()))
                + "; try: coap-client -m get coap://" + Addresses.reachable(plain.localAddress()) + "/hello"
                + (secure == null ? "" : " or coap-client-openssl -m get coaps://"
                        + Addresses.reachable(secure.localAddress()) + "/hello"));
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
        StopHook hook = new StopHook("udpnet-coap-stop", 5);
        CountDownLatch stop = hook.stop;
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
            long handshakes = secure == null ? 0 : secure.dtlsStats().orElseThrow().handshakesCompleted();
            coap.close();
            out.printf("coap-server stopped after %.1f s: %d requests, %d duplicates answered from the cache, "
                            + "%d malformed datagrams dropped, %d notifications sent%s%n",
                    (System.nanoTime() - start) / 1e9, s.requests(), s.duplicates(), s.malformed(),
                    s.notifications(), secure == null ? "" : ", " + handshakes + " DTLS handshakes completed");
            out.flush();
            hook.done();
        }
        return 0;
    }

    /** PORT+1 for coaps://, or another system-picked port when PORT is 0. */
    private static InetSocketAddress secureAddress(InetSocketAddress plain) {
        int port = plain.getPort();
        if (port == 65_535) {
            throw new IllegalArgumentException("--bind: coaps:// goes on PORT+1, and 65535 has none; "
                    + "choose a lower port or --no-dtls");
        }
        return new InetSocketAddress(plain.getAddress(), port == 0 ? 0 : port + 1);
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
