package io.udpnet.coap;

import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.ContentFormat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Resources the server tests share: text, a large block-wise one, an observable counter (its value in brackets, so
 * that notifications printed one after another stay apart) and a writable store.
 */
final class TestResources {
    static final String HELLO = "Hello from udpnet";
    final AtomicInteger helloCalls = new AtomicInteger();
    final AtomicInteger counter = new AtomicInteger();
    final AtomicReference<String> stored = new AtomicReference<>("initial");
    final byte[] large = largeBody(5000);
    final CoapResource counterResource;
    final CoapServer server;

    TestResources(CoapConfig config) {
        counterResource = CoapResource.builder("/counter").observable()
                .get(r -> CoapResponse.text("[" + counter.get() + "]").withMaxAge(5))
                .attribute("ct", "0").build();
        server = CoapServer.builder().config(config)
                .resource(CoapResource.builder("/hello").attribute("rt", "\"greeting\"").attribute("ct", "0")
                        .get(r -> {
                            helloCalls.incrementAndGet();
                            return CoapResponse.text(HELLO);
                        }).build())
                .resource(CoapResource.builder("/large").attribute("sz", Integer.toString(large.length))
                        .get(r -> CoapResponse.of(CoapCode.CONTENT, large, ContentFormat.OCTET_STREAM)).build())
                .resource(counterResource)
                .resource(CoapResource.builder("/store")
                        .get(r -> CoapResponse.text(stored.get()))
                        .put(r -> {
                            stored.set(r.payloadText());
                            return CoapResponse.of(CoapCode.CHANGED);
                        })
                        .post(r -> {
                            stored.set(stored.get() + r.payloadText());
                            return CoapResponse.of(CoapCode.CREATED);
                        })
                        .delete(r -> {
                            stored.set("");
                            return CoapResponse.of(CoapCode.DELETED);
                        }).build())
                .build();
    }

    void tick() {
        counter.incrementAndGet();
        counterResource.changed();
    }

    static byte[] largeBody(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i * 7 % 26); // every block different, so a misplaced block shows
        }
        if (n > 10) {
            System.arraycopy("END".getBytes(StandardCharsets.US_ASCII), 0, b, n - 3, 3);
        }
        return b;
    }

    static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }
}
