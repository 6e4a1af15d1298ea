package io.udpnet.messaging;

/**
 * A message taken with {@link MessageConnection#receive}: the channel it came on and its bytes (owned by the
 * caller). Records compare arrays by identity; compare {@code data} with {@link java.util.Arrays#equals}.
 *
 * @param channel the channel index
 * @param data    the message's bytes
 */
public record Message(int channel, byte[] data) {
}
