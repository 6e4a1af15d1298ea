package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.wire.PacketHeader;

import java.nio.ByteBuffer;

/**
 * Checks, before anything is acted on, that the packets of a data datagram parse and agree with the configuration:
 * known types, existing channels, lengths inside the datagram, fragment geometry that adds up, sizes within the
 * limits. A datagram that fails is dropped whole, so a malformed packet never leaves half its datagram applied.
 */
final class PacketValidator {
    /** {@link #validate}'s answer for a malformed datagram. */
    static final int MALFORMED = -1;
    private static final int ELICITING = 1;
    private static final int ONLY_PING = 2;
    private static final int BUSY = 4;
    private static final int BUSY_SHIFT = 8;

    private PacketValidator() {
    }

    /** Whether a datagram with verdict {@code v} carries something to acknowledge (never when malformed). */
    static boolean eliciting(int v) {
        return v > 0 && (v & ELICITING) != 0;
    }

    /**
     * Whether the datagram asked for an acknowledgement with a PING and nothing else: a keep-alive or a probe, whose
     * sender waits for the answer. Holding that ack back would cost the receiver a second wake-up and the sender a
     * later answer, for nothing to ride on.
     */
    static boolean onlyPing(int v) {
        return v > 0 && (v & ONLY_PING) != 0;
    }

    /**
     * The datagram sequence named by the datagram's last BUSY packet, or -1 if it had none. Read before the
     * datagram's acks are acted on: they may declare losses that the BUSY explains.
     */
    static int busySequence(int v) {
        return v < 0 || (v & BUSY) == 0 ? -1 : v >>> BUSY_SHIFT;
    }

    /**
     * Validates the packets in {@code [from, end)} against {@code config}. Returns {@link #MALFORMED}, or a verdict
     * that {@link #eliciting}, {@link #onlyPing} and {@link #busySequence} read. Stateless, so that a connection holds
     * no validator of its own.
     */
    static int validate(ConnectionConfig config, ByteBuffer b, int from, int end) {
        boolean eliciting = false;
        int at = from;
        int busy = 0;
        boolean ping = false;
        boolean other = false;
        while (at < end) {
            int type = PacketHeader.type(b, at);
            if (type == PacketHeader.TYPE_PADDING) {
                break;
            }
            if (type == PacketHeader.TYPE_PING) {
                at += PacketHeader.PING_SIZE;
                eliciting = true;
                ping = true;
                continue;
            }
            if (type == PacketHeader.TYPE_PATH_CHALLENGE || type == PacketHeader.TYPE_PATH_RESPONSE) {
                if (end - at < PacketHeader.PATH_SIZE) {
                    return -1;
                }
                at += PacketHeader.PATH_SIZE;
                eliciting = true;
                other = true;
                continue;
            }
            if (type == PacketHeader.TYPE_BUSY) {
                if (end - at < PacketHeader.BUSY_SIZE) {
                    return -1;
                }
                busy = BUSY | PacketHeader.busySequence(b, at) << BUSY_SHIFT;
                at += PacketHeader.BUSY_SIZE;
                continue;
            }
            if (type == PacketHeader.TYPE_DISCONNECT) {
                if (end - at < PacketHeader.DISCONNECT_HEADER
                        || end - at - PacketHeader.DISCONNECT_HEADER < PacketHeader.disconnectTextLength(b, at)) {
                    return -1;
                }
                at += PacketHeader.DISCONNECT_HEADER + PacketHeader.disconnectTextLength(b, at);
                continue;
            }
            int header = type == PacketHeader.TYPE_MESSAGE ? PacketHeader.MESSAGE_HEADER
                    : type == PacketHeader.TYPE_FRAGMENT ? PacketHeader.FRAGMENT_HEADER : -1;
            if (header < 0 || end - at < header) {
                return -1;
            }
            int channel = PacketHeader.channel(b, at);
            int len = PacketHeader.payloadLength(b, at);
            if (channel >= config.channelCount() || end - at - header < len) {
                return -1;
            }
            if (type == PacketHeader.TYPE_MESSAGE ? len > config.maxMessageSize()
                    : !validFragment(config, b, at, channel, len)) {
                return -1;
            }
            at += header + len;
            eliciting = true;
            other = true;
        }
        return (eliciting ? ELICITING : 0) | (ping && !other ? ONLY_PING : 0) | busy;
    }

    private static boolean validFragment(ConnectionConfig config, ByteBuffer b, int at, int channel, int len) {
        int index = PacketHeader.fragmentIndex(b, at);
        int count = PacketHeader.fragmentCount(b, at);
        long messageLength = PacketHeader.messageLength(b, at);
        if (count < 2 || index >= count || messageLength > config.maxMessageSize()) {
            return false;
        }
        if (!config.delivery(channel).isReliable() && count > config.maxUnreliableFragments()) {
            return false;
        }
        int stride = PacketHeader.fragmentStride((int) messageLength, count);
        long beforeLast = (long) stride * (count - 1);
        if (beforeLast >= messageLength) {
            return false;
        }
        long expected = index < count - 1 ? stride : messageLength - beforeLast;
        return len == expected;
    }
}
