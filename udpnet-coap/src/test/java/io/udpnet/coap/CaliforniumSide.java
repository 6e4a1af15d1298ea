package io.udpnet.coap;

import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Californium end of the interop tests. Plain {@code coap://} and {@code coaps://} differ only in the endpoint
 * (a UDP socket or a Scandium connector), so the resources its server offers and the checks on an observation in
 * either direction are written once here, and both tests hold udpnet to the same behaviour.
 */
final class CaliforniumSide implements AutoCloseable {
    /** How long a notification or a deregistration may take to arrive. */
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** The body of the server's {@code /large}: 5000 bytes, so Californium sends it block-wise. */
    final byte[] large = TestResources.largeBody(5000);
    private final AtomicInteger value = new AtomicInteger();
    private final Configuration config;
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    private org.eclipse.californium.core.CoapServer server;
    private org.eclipse.californium.core.CoapResource observable;

    CaliforniumSide(Configuration config) {
        this.config = config;
    }

    /** An endpoint builder with this side's configuration; the caller adds a socket address or a connector. */
    CoapEndpoint.Builder endpoint() {
        return new CoapEndpoint.Builder().setConfiguration(config);
    }

    /** A Californium client for {@code uri} on {@code endpoint}; both are shut down by {@link #close()}. */
    org.eclipse.californium.core.CoapClient client(String uri, CoapEndpoint endpoint, long timeoutMillis) {
        org.eclipse.californium.core.CoapClient c = new org.eclipse.californium.core.CoapClient(uri);
        c.setEndpoint(endpoint);
        c.setTimeout(timeoutMillis);
        toClose.add(() -> {
            c.shutdown();
            endpoint.destroy();
        });
        return c;
    }

    /**
     * Starts a Californium server on {@code endpoint} with {@code /hello} (GET answers {@code helloText}, PUT answers
     * "got " and the request's text), {@code /large} (see {@link #large}) and an observable {@code /obs} that answers
     * "v" and a value {@link #observedBy} changes.
     *
     * @return the address the server took
     */
    InetSocketAddress startServer(CoapEndpoint endpoint, String helloText) {
        server = new org.eclipse.californium.core.CoapServer(config);
        server.addEndpoint(endpoint);
        server.add(new org.eclipse.californium.core.CoapResource("hello") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond(helloText);
            }

            @Override
            public void handlePUT(CoapExchange exchange) {
                exchange.respond(CoAP.ResponseCode.CHANGED, "got " + exchange.getRequestText());
            }
        });
        server.add(new org.eclipse.californium.core.CoapResource("large") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond(CoAP.ResponseCode.CONTENT, large, MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            }
        });
        observable = new org.eclipse.californium.core.CoapResource("obs") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond("v" + value.get());
            }
        };
        observable.setObservable(true);
        observable.getAttributes().setObservable();
        server.add(observable);
        server.start();
        return endpoint.getAddress();
    }

    /**
     * udpnet's client observes the Californium server's {@code /obs} while its value goes from 1 to 3: it sees every
     * value in order, and cancelling deregisters it at Californium.
     */
    void observedBy(CoapClient c) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CoapObservation o = c.observe("/obs", r -> seen.add(r.payloadText()));
        assertTrue(o.isRegistered());
        for (int i = 1; i <= 3; i++) {
            value.set(i);
            observable.changed();
            Thread.sleep(100);
        }
        awaitUntil(() -> seen.contains("v3"));
        assertEquals(List.of("v0", "v1", "v2", "v3"), seen);
        o.cancel();
        assertEquals(0, observable.getObserverCount(), "deregistered at Californium");
    }

    /**
     * A Californium client (for the udpnet server's {@code /counter}) observes it while it ticks three times: it sees
     * every value, and cancelling deregisters it at the udpnet server.
     */
    static void observesCounter(org.eclipse.californium.core.CoapClient counter, TestResources res)
            throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CoapObserveRelation rel = counter.observeAndWait(new CoapHandler() {
            @Override
            public void onLoad(org.eclipse.californium.core.CoapResponse response) {
                seen.add(response.getResponseText());
            }

            @Override
            public void onError() {
                seen.add("error");
            }
        });
        assertTrue(!rel.isCanceled(), "registered");
        for (int i = 0; i < 3; i++) {
            res.tick();
            Thread.sleep(100);
        }
        awaitUntil(() -> seen.contains("[3]"));
        assertTrue(seen.containsAll(List.of("[0]", "[1]", "[2]", "[3]")), seen.toString());
        rel.proactiveCancel();
        awaitUntil(() -> res.server.stats().observers() == 0);
        assertEquals(0, res.server.stats().observers(), "deregistered");
    }

    /** Polls {@code condition} for up to {@link #WAIT_NANOS}; the caller's assertion reports a timeout. */
    private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Shuts down the clients, then the server. */
    @Override
    public void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (server != null) {
            server.destroy();
        }
    }
}
