package io.udpnet.coap.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One option: its number and its raw value. Values are never changed after construction (the array is not copied
 * again on reads: treat it as read-only).
 *
 * @param number the option number (0..65535+269)
 * @param value the value bytes
 */
public record CoapOption(int number, byte[] value) {

    /** Checks the number and the value length against what the encoding can carry. */
    public CoapOption {
        if (number < 0 || number > 65535) {
            throw new IllegalArgumentException("option number " + number);
        }
        if (value.length > 65535 + 269) {
            throw new IllegalArgumentException("option value of " + value.length + " bytes");
        }
    }

    /**
     * An option with a UTF-8 string value.
     *
     * @param number the option number
     * @param text the value
     * @return the option
     */
    public static CoapOption ofString(int number, String text) {
        return new CoapOption(number, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An option with an unsigned integer value in the fewest bytes (zero is the empty value).
     *
     * @param number the option number
     * @param v the value, 0..2^32-1
     * @return the option
     */
    public static CoapOption ofUint(int number, long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("uint option value " + v);
        }
        int len = v == 0 ? 0 : v < 0x100 ? 1 : v < 0x1_0000 ? 2 : v < 0x100_0000 ? 3 : 4;
        byte[] b = new byte[len];
        for (int i = len - 1; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return new CoapOption(number, b);
    }

    /**
     * The value read as an unsigned big-endian integer (the first 4 bytes at most count, as none of the uint options
     * is longer).
     *
     * @return the value
     */
    public long asUint() {
        long v = 0;
        for (int i = Math.max(0, value.length - 4); i < value.length; i++) {
            v = v << 8 | (value[i] & 0xFF);
        }
        return v;
    }

    /**
     * The value as UTF-8 text.
     *
     * @return the text
     */
    public String asString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoapOption other && other.number == number && Arrays.equals(other.value, value);
    }

    @Override
    public int hashCode() {
        return number * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return number + "=" + HexFormatHolder.HEX.formatHex(value);
    }

    /** Lazily made hex formatter for toString. */
    private static final class HexFormatHolder {
        static final java.util.HexFormat HEX = java.util.HexFormat.of();
    }
}
