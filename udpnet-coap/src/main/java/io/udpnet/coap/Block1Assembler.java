package io.udpnet.coap;

import io.udpnet.coap.message.BlockOption;
import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.CoapOption;
import io.udpnet.coap.message.OptionNumber;

import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Re-assembles one peer's block-wise request bodies (RFC 7959 Block1, atomic): blocks must come in order from 0;
 * the handler sees the whole body once the last block arrived. Bounded: {@link #MAX_BODY} bytes per body (more is
 * answered with 4.13), {@link #MAX_TRANSFERS} transfers per peer at once (a new one pushes out the oldest), and a
 * transfer idle for EXCHANGE_LIFETIME is forgotten.
 */
final class Block1Assembler {
    /** The largest request body re-assembled. */
    static final int MAX_BODY = 64 * 1024;
    /** The most block-wise requests of one peer in progress at once. */
    static final int MAX_TRANSFERS = 4;

    /**
     * What to do with a block: answer {@code response} now, or (response null) run the handler on {@code request},
     * the whole request; either way the response carries {@code echo}.
     */
    record Step(CoapResponse response, CoapOption echo, CoapMessage request) {
    }

    private static final class Transfer {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        long lastNanos;
    }

    private final long lifetimeNanos;
    private final Map<String, Transfer> transfers = new LinkedHashMap<>();

    Block1Assembler(long lifetimeNanos) {
        this.lifetimeNanos = lifetimeNanos;
    }

    synchronized Step offer(CoapMessage m, long now) {
        transfers.values().removeIf(t -> now - t.lastNanos > lifetimeNanos);
        BlockOption b = BlockOption.fromUint(m.uintOption(OptionNumber.BLOCK1));
        if (b == null) {
            return new Step(CoapResponse.of(CoapCode.BAD_REQUEST), null, null);
        }
        // The same method on the same URI is the same body (no Request-Tag support).
        String key = m.code() + " " + m.uriPath() + "?" + String.join("&", m.uriQuery());
        if (b.num() == 0) {
            transfers.remove(key);
            if (transfers.size() >= MAX_TRANSFERS) {
                Iterator<Transfer> it = transfers.values().iterator();
                it.next();
                it.remove();
            }
            transfers.put(key, new Transfer());
        }
        Transfer t = transfers.get(key);
        if (t == null || t.body.size() != (long) b.offset()) {
            transfers.remove(key);
            return new Step(CoapResponse.of(CoapCode.REQUEST_ENTITY_INCOMPLETE), null, null);
        }
        if (t.body.size() + m.payload().length > MAX_BODY) {
            transfers.remove(key);
            return new Step(CoapResponse.of(CoapCode.REQUEST_ENTITY_TOO_LARGE), null, null);
        }
        t.body.writeBytes(m.payload());
        t.lastNanos = now;
        if (b.more()) {
            return new Step(CoapResponse.of(CoapCode.CONTINUE),
                    new BlockOption(b.num(), true, b.szx()).toOption(OptionNumber.BLOCK1), null);
        }
        transfers.remove(key);
        CoapMessage whole = m.toBuilder().removeOptions(OptionNumber.BLOCK1).payload(t.body.toByteArray()).build();
        return new Step(null, new BlockOption(b.num(), false, b.szx()).toOption(OptionNumber.BLOCK1), whole);
    }
}
