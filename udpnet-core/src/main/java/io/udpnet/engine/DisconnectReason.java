package io.udpnet.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Why a connection ended.
 *
 * @param code   the reason
 * @param text   human-readable detail (may be empty), from the application or the peer
 * @param remote true when the peer ended it (a DISCONNECT or REJECT it sent), false when this end did
 */
public record DisconnectReason(DisconnectCode code, String text, boolean remote) {
    /** Checks that neither the code nor the text is null. */
    public DisconnectReason {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(text, "text");
    }

    /**
     * {@code text} as UTF-8, cut to at most {@code max} bytes without splitting a character: a reason's text as it
     * goes on the wire (DISCONNECT, REJECT).
     */
    static byte[] utf8(String text, int max) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= max) {
            return bytes;
        }
        int n = max;
        while (n > 0 && (bytes[n] & 0xC0) == 0x80) {
            n--;
        }
        return Arrays.copyOf(bytes, n);
    }

    @Override
    public String toString() {
        return code + (text.isEmpty() ? "" : " (" + text + ")") + (remote ? " by peer" : "");
    }
}
