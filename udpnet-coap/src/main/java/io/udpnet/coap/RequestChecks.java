package io.udpnet.coap;

import io.udpnet.coap.message.BlockOption;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.CoapOption;
import io.udpnet.coap.message.OptionNumber;

/** Checks of a request's options before it is routed. */
final class RequestChecks {
    private RequestChecks() {
    }

    /** Whether a request asks for the first block (or no block) of a representation. */
    static boolean firstBlock(CoapMessage m) {
        CoapOption b = m.option(OptionNumber.BLOCK2);
        BlockOption block = b == null ? null : BlockOption.fromUint(b.asUint());
        return block == null || block.num() == 0;
    }

    /** The first critical option this server does not implement, or -1 (RFC 7252 section 5.4.1). */
    static int unsupportedCriticalOption(CoapMessage m) {
        for (CoapOption o : m.options()) {
            if (OptionNumber.isCritical(o.number())) {
                switch (o.number()) {
                    case OptionNumber.URI_HOST, OptionNumber.OBSERVE, OptionNumber.URI_PORT, OptionNumber.URI_PATH,
                            OptionNumber.URI_QUERY, OptionNumber.ACCEPT, OptionNumber.BLOCK2,
                            OptionNumber.BLOCK1 -> {
                    }
                    default -> {
                        return o.number();
                    }
                }
            }
        }
        return -1;
    }
}
