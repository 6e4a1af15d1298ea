package io.udpnet.wire;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Codec of the settings both ends of a connection must share (docs/PROTOCOL.md section 8.1): a REQUEST carries them
 * from byte {@link Handshake#SETTINGS_OFFSET}, and their CRC32C is the config digest of REQUEST and RESPONSE. A
 * server decides on the digest alone and reads the settings only to say which of them differ.
 *
 * <pre>
 *  0 u32 max message size   4 u32 max unreliable fragments   8 u32 send window   12 u32 number of channels n
 * 16 n bytes: one delivery mode per channel (0 unreliable, 1 unreliable-sequenced, 2 reliable-unordered,
 *    3 reliable-ordered)
 * </pre>
 */
public final class SharedSettings {
    public static final int MAX_MESSAGE_SIZE_OFFSET = 0;
    public static final int MAX_UNRELIABLE_FRAGMENTS_OFFSET = 4;
    public static final int SEND_WINDOW_OFFSET = 8;
    public static final int CHANNEL_COUNT_OFFSET = 12;
    public static final int MODES_OFFSET = 16;
    /** Most channels: the channel field of a packet is one byte. */
    public static final int MAX_CHANNELS = 256;

    private SharedSettings() {
    }

    /** The settings as bytes; {@code modes} holds one delivery-mode code per channel (1..256 of them). */
    public static byte[] encode(int maxMessageSize, int maxUnreliableFragments, int sendWindow, byte[] modes) {
        if (modes.length < 1 || modes.length > MAX_CHANNELS) {
            throw new IllegalArgumentException("1.." + MAX_CHANNELS + " channels expected, got " + modes.length);
        }
        ByteBuffer b = ByteBuffer.allocate(MODES_OFFSET + modes.length);
        b.putInt(maxMessageSize).putInt(maxUnreliableFragments).putInt(sendWindow).putInt(modes.length).put(modes);
        return b.array();
    }

    /** The config digest: CRC32C of the settings' bytes. */
    public static int digest(byte[] settings) {
        return digest(ByteBuffer.wrap(settings));
    }

    /** The config digest of the settings between {@code settings}' position and limit (consumed). */
    public static int digest(ByteBuffer settings) {
        CRC32C crc = new CRC32C();
        crc.update(settings);
        return (int) crc.getValue();
    }

    /**
     * The length of the settings at {@code at} in {@code b[0, limit)}, or -1 when the channel count is not 1..256
     * or the settings would run past {@code limit}.
     */
    public static int length(ByteBuffer b, int at, int limit) {
        if (limit - at < MODES_OFFSET) {
            return -1;
        }
        int channels = b.getInt(at + CHANNEL_COUNT_OFFSET);
        if (channels < 1 || channels > MAX_CHANNELS || limit - at - MODES_OFFSET < channels) {
            return -1;
        }
        return MODES_OFFSET + channels;
    }
}
