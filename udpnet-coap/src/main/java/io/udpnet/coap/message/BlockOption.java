package io.udpnet.coap.message;

/**
 * The value of a Block1 or Block2 option (RFC 7959 section 2.2): block number, more flag and size exponent.
 *
 * @param num the block number, 0..2^20-1
 * @param more whether more blocks follow
 * @param szx the size exponent 0..6: the block size is {@code 16 << szx}
 */
public record BlockOption(int num, boolean more, int szx) {

    /** Checks the ranges. */
    public BlockOption {
        if (num < 0 || num > 0xF_FFFF || szx < 0 || szx > 6) {
            throw new IllegalArgumentException("block num=" + num + " szx=" + szx);
        }
    }

    /**
     * Reads an option value.
     *
     * @param value the option's uint value
     * @return the block, or {@code null} when it is malformed (szx 7, or a number beyond 20 bits)
     */
    public static BlockOption fromUint(long value) {
        int szx = (int) (value & 7);
        long num = value >>> 4;
        if (szx == 7 || num > 0xF_FFFF) {
            return null;
        }
        return new BlockOption((int) num, (value & 8) != 0, szx);
    }

    /**
     * The size exponent for a block size.
     *
     * @param size a power of two, 16..1024
     * @return the exponent
     */
    public static int szxOf(int size) {
        int szx = Integer.numberOfTrailingZeros(size) - 4;
        if (Integer.bitCount(size) != 1 || szx < 0 || szx > 6) {
            throw new IllegalArgumentException("block size " + size);
        }
        return szx;
    }

    /**
     * Returns the block size in bytes.
     *
     * @return the block size in bytes
     */
    public int size() {
        return 16 << szx;
    }

    /**
     * Returns the byte offset of this block.
     *
     * @return the byte offset of this block
     */
    public int offset() {
        return num * size();
    }

    /**
     * As an option.
     *
     * @param number {@link OptionNumber#BLOCK1} or {@link OptionNumber#BLOCK2}
     * @return the option
     */
    public CoapOption toOption(int number) {
        return CoapOption.ofUint(number, (long) num << 4 | (more ? 8 : 0) | szx);
    }
}
