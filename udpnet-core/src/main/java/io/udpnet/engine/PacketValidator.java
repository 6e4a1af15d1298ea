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
    private final ConnectionConfig config;
    private int busySequence = -1;
    private boolean onlyPing;

    PacketValidator(ConnectionConfig config) {
        this.config = config;
    }

    /**
     * The datagram sequence named by the last BUSY packet of the datagram just validated, or -1 if it had none. Read
     * before the datagram's acks are acted on: they may declare losses that the BUSY explains.
     */
    int busySequence() {
        return busySequence;
    }

    /**
     * Whether the datagram just validated asked for an acknowledgement with a PING and nothing else: a keep-alive or a
     * probe, whose sender waits for the answer. Holding that ack back would cost the receiver a second wake-up and the
     * sender a later answer, for nothing to ride on.
     */
    boolean onlyPing() {
        return onlyPing;
    }

    /**
     * Validates the packets in {@code [from, end)}. Returns 1 when they carry something to acknowledge,
     * 0 when only padding (or nothing), -1 when malformed.
     */
    int validate(ByteBuffer b, int from, int end) {
        int eliciting = 0;
        int at = from;
        busySequence = -1;
        boolean ping = false;
        boolean other = false;
        onlyPing = false;
        while (at < end) {
            int type = PacketHeader.type(b, at);
            if (type == PacketHeader.TYPE_PADDING) {
                break;
            }
            if (type == PacketHeader.TYPE_PING) {
                at += PacketHeader.PING_SIZE;
                eliciting = 1;
                ping = true;
                continue;
            }
            if (type == PacketHeader.TYPE_PATH_CHALLENGE || type == PacketHeader.TYPE_PATH_RESPONSE) {
                if (end - at < PacketHeader.PATH_SIZE) {
                    return -1;
                }
                at += PacketHeader.PATH_SIZE;
                eliciting = 1;
                other = true;
                continue;
            }
            if (type == PacketHeader.TYPE_BUSY) {
                if (end - at < PacketHeader.BUSY_SIZE) {
                    return -1;
                }
                busySequence = PacketHeader.busySequence(b, at);
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
            if (type == PacketHeader.TYPE_MESSAGE ? len > config.maxMessageSize() : !validFragment(b, at, channel, len)) {
                return -1;
            }
            at += header + len;
            eliciting = 1;
            other = true;
        }
        onlyPing = ping && !other;
        return eliciting;
    }

    private boolean validFragment(ByteBuffer b, int at, int channel, int len) {
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
