package io.udpnet.engine;

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

    @Override
    public String toString() {
        return code + (text.isEmpty() ? "" : " (" + text + ")") + (remote ? " by peer" : "");
    }
}
