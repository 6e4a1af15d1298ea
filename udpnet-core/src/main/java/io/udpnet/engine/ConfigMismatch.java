package io.udpnet.engine;

import io.udpnet.Delivery;
import io.udpnet.wire.Handshake;
import io.udpnet.wire.SharedSettings;
import io.udpnet.wire.WireFormat;

import java.nio.ByteBuffer;

/**
 * The text of a REJECT with {@link DisconnectCode#CONFIG_MISMATCH}: which shared settings differ, read from the
 * REQUEST, with the client's value and the server's. Only the digest decides the rejection; a REQUEST whose settings
 * do not hash to its digest (or a RESPONSE, which carries none) gets the two digests instead.
 */
final class ConfigMismatch {
    private ConfigMismatch() {
    }

    /** Why the REQUEST in {@code request[0, length)} does not match {@code server}, the server's settings. */
    static String ofRequest(byte[] server, ByteBuffer request, int length) {
        int at = Handshake.SETTINGS_OFFSET;
        int digest = request.getInt(Handshake.DIGEST_OFFSET);
        int n = SharedSettings.length(request, at, length - WireFormat.CRC_SIZE);
        if (n < 0 || SharedSettings.digest(request.slice(at, n)) != digest) {
            return ofDigests(digest, SharedSettings.digest(server));
        }
        ByteBuffer client = request.slice(at, n);
        ByteBuffer ours = ByteBuffer.wrap(server);
        StringBuilder text = new StringBuilder();
        compare(text, "max message size", client, ours, SharedSettings.MAX_MESSAGE_SIZE_OFFSET);
        compare(text, "unreliable fragments", client, ours, SharedSettings.MAX_UNRELIABLE_FRAGMENTS_OFFSET);
        compare(text, "send window", client, ours, SharedSettings.SEND_WINDOW_OFFSET);
        if (!compare(text, "channels", client, ours, SharedSettings.CHANNEL_COUNT_OFFSET)) {
            for (int i = SharedSettings.MODES_OFFSET; i < n; i++) {
                if (client.get(i) != ours.get(i)) {
                    append(text, "channel " + (i - SharedSettings.MODES_OFFSET), mode(client.get(i)),
                            mode(ours.get(i)));
                    break;
                }
            }
        }
        return text.isEmpty() ? ofDigests(digest, SharedSettings.digest(server)) : "config differs: " + text;
    }

    /** For a mismatch known only by its digests. */
    static String ofDigests(int client, int server) {
        return String.format("config digest %08x differs from the server's %08x", client, server);
    }

    /** Appends the u32 at {@code at} if it differs; returns whether it did. */
    private static boolean compare(StringBuilder text, String name, ByteBuffer client, ByteBuffer server, int at) {
        long c = client.getInt(at) & 0xFFFF_FFFFL;
        long s = server.getInt(at) & 0xFFFF_FFFFL;
        if (c != s) {
            append(text, name, Long.toString(c), Long.toString(s));
        }
        return c != s;
    }

    private static void append(StringBuilder text, String name, String client, String server) {
        if (!text.isEmpty()) {
            text.append("; ");
        }
        text.append(name).append(": client ").append(client).append(", server ").append(server);
    }

    private static String mode(byte code) {
        Delivery[] modes = Delivery.values();
        return code >= 0 && code < modes.length ? modes[code].name() : "mode " + (code & 0xFF);
    }
}
