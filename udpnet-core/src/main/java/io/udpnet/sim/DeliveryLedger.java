package io.udpnet.sim;

import io.udpnet.engine.MessageListener;

import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * Checks what a receiver is handed against what the sender sent with {@link MessagePattern}: counts messages
 * delivered, delivered twice, delivered after a newer one (out of order), and delivered with wrong bytes.
 */
public final class DeliveryLedger implements MessageListener {
    private final int[] sizes;
    private final BitSet seen = new BitSet();
    private long delivered;
    private long duplicates;
    private long outOfOrder;
    private long corrupted;
    private long deliveredBytes;
    private int newest = -1;

    /** {@code sizes}: message {@code i} has size {@code sizes[i % sizes.length]}. */
    public DeliveryLedger(int[] sizes) {
        this.sizes = sizes.clone();
    }

    /** Expected size of message {@code index}. */
    public int sizeOf(int index) {
        return sizes[index % sizes.length];
    }

    @Override
    public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
        int index = MessagePattern.index(buffer, offset, length);
        if (index < 0 || !MessagePattern.matches(buffer, offset, length, index, sizeOf(index))) {
            corrupted++;
            return;
        }
        if (seen.get(index)) {
            duplicates++;
            return;
        }
        seen.set(index);
        delivered++;
        deliveredBytes += length;
        if (index < newest) {
            outOfOrder++;
        } else {
            newest = index;
        }
    }

    /** Distinct messages delivered intact. */
    public long delivered() {
        return delivered;
    }

    /** Deliveries of a message already delivered. */
    public long duplicates() {
        return duplicates;
    }

    /** Messages delivered after a newer one. */
    public long outOfOrder() {
        return outOfOrder;
    }

    /** Messages whose bytes differ from the pattern sent. */
    public long corrupted() {
        return corrupted;
    }

    /** Bytes of the messages delivered intact. */
    public long deliveredBytes() {
        return deliveredBytes;
    }
}
