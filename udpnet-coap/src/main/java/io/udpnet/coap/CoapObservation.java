package io.udpnet.coap;

import io.udpnet.coap.message.BlockOption;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.CoapOption;
import io.udpnet.coap.message.OptionNumber;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * An observation made by {@link CoapClient#observe}: receives notifications until cancelled. Notifications older
 * than the newest one seen (by the Observe sequence, RFC 7641 section 3.4) are dropped.
 */
public final class CoapObservation implements AutoCloseable {
    /** After this long without a notification, any new one counts as fresh (RFC 7641 section 3.4). */
    private static final long FRESH_AFTER_NANOS = 128_000_000_000L;

    private final CoapClient client;
    private final String path;
    private final byte[] token;
    private final Consumer<CoapResponse> listener;
    private long lastSeq = -1;
    private long lastNanos;
    private volatile boolean registered = true;

    CoapObservation(CoapClient client, String path, byte[] token, Consumer<CoapResponse> listener) {
        this.client = client;
        this.path = path;
        this.token = token;
        this.listener = listener;
    }

    /**
     * Returns true while the server keeps the client registered (as far as the client knows).
     *
     * @return true while the server keeps the client registered (as far as the client knows)
     */
    public boolean isRegistered() {
        return registered;
    }

    void declined() {
        registered = false;
    }

    void onNotification(CoapMessage m) {
        synchronized (this) {
            CoapOption o = m.option(OptionNumber.OBSERVE);
            long now = System.nanoTime();
            if (o != null) {
                long v2 = o.asUint();
                if (lastSeq >= 0 && !isFresher(lastSeq, v2) && now - lastNanos < FRESH_AFTER_NANOS) {
                    return;
                }
                lastSeq = v2;
                lastNanos = now;
            }
        }
        CoapOption b = m.option(OptionNumber.BLOCK2);
        BlockOption block = b == null ? null : BlockOption.fromUint(b.asUint());
        if (block != null && block.more()) {
            client.completeNotification(m, path, listener);
        } else {
            listener.accept(CoapResponse.fromMessage(m, m.payload()));
        }
    }

    /** RFC 7641 section 3.4: whether V2 is newer than V1 in 24-bit serial arithmetic. */
    static boolean isFresher(long v1, long v2) {
        return (v1 < v2 && v2 - v1 < (1 << 23)) || (v1 > v2 && v1 - v2 > (1 << 23));
    }

    /**
     * Cancels proactively: tells the server with a GET carrying Observe=1 (RFC 7641 section 3.6).
     *
     * @throws IOException when the de-registration request fails
     */
    public void cancel() throws IOException {
        if (registered) {
            registered = false;
            client.deregister(path, token);
        }
    }

    /** Cancels, ignoring a failure to reach the server (its next notification is then answered with Reset). */
    @Override
    public void close() {
        try {
            cancel();
        } catch (IOException e) {
            // Reactive cancellation covers it: the next notification gets a Reset.
        }
    }
}
