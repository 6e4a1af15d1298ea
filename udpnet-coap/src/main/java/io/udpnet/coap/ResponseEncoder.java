package io.udpnet.coap;

import io.udpnet.coap.message.BlockOption;
import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.CoapOption;
import io.udpnet.coap.message.MessageCodec;
import io.udpnet.coap.message.MessageType;
import io.udpnet.coap.message.OptionNumber;

import java.util.Arrays;

/**
 * Turns a handler's {@link CoapResponse} into the message sent for a request, cutting a large representation into
 * Block2 blocks (RFC 7959): the block the request asked for, or the first one in the server's preferred size.
 */
final class ResponseEncoder {
    private final int preferredSzx;

    ResponseEncoder(int blockSize) {
        this.preferredSzx = BlockOption.szxOf(blockSize);
    }

    /**
     * Builds the response message.
     *
     * @param resp the handler's response
     * @param request the request (for Block2, Accept and Size2)
     * @param type ACK, CON or NON
     * @param mid the message ID
     * @param token the token
     * @param observeSeq the Observe value to carry, or -1 for none
     * @return the message
     */
    CoapMessage encode(CoapResponse resp, CoapMessage request, MessageType type, int mid, byte[] token,
                       long observeSeq) {
        return encode(resp, request, type, mid, token, observeSeq, preferredSzx, false);
    }

    /**
     * Builds the response message no larger than {@code maxBytes} where Block2 can make it so: a successful response
     * with a payload is cut into smaller blocks (down to 16 bytes) until the datagram fits. This bounds what a
     * request from an unverified, possibly spoofed, address makes the server send (RFC 9175 section 2.4).
     *
     * @param maxBytes the largest datagram wanted
     * @return the message; larger than {@code maxBytes} only when a 16-byte block does not fit either
     */
    CoapMessage encodeLimited(CoapResponse resp, CoapMessage request, MessageType type, int mid, byte[] token,
                              long observeSeq, int maxBytes) {
        CoapMessage m = encode(resp, request, type, mid, token, observeSeq, preferredSzx, false);
        if (MessageCodec.encode(m).length <= maxBytes || !resp.isSuccess() || resp.payload().length == 0) {
            return m;
        }
        for (int szx = preferredSzx; szx >= 0; szx--) {
            m = encode(resp, request, type, mid, token, observeSeq, szx, true);
            if (MessageCodec.encode(m).length <= maxBytes) {
                return m;
            }
        }
        return m;
    }

    private CoapMessage encode(CoapResponse resp, CoapMessage request, MessageType type, int mid, byte[] token,
                               long observeSeq, int szxCap, boolean forceBlocks) {
        CoapMessage.Builder b = CoapMessage.builder().type(type).messageId(mid).token(token).code(resp.code());
        int accept = (int) request.uintOption(OptionNumber.ACCEPT);
        if (accept >= 0 && resp.contentFormat() >= 0 && accept != resp.contentFormat() && resp.isSuccess()) {
            return b.code(CoapCode.NOT_ACCEPTABLE).build();
        }
        CoapOption blockOpt = request.option(OptionNumber.BLOCK2);
        BlockOption asked = blockOpt == null ? null : BlockOption.fromUint(blockOpt.asUint());
        if (blockOpt != null && asked == null) {
            return b.code(CoapCode.BAD_OPTION).build();
        }
        byte[] body = resp.payload();
        int szx = asked == null ? szxCap : Math.min(asked.szx(), szxCap);
        int size = 16 << szx;
        boolean blockwise = asked != null || forceBlocks || body.length > size;
        byte[] etag = resp.etag();
        if (blockwise && etag == null && resp.isSuccess()) {
            // Lets a client notice the representation changed between blocks.
            etag = etagOf(body);
        }
        if (observeSeq >= 0 && resp.isSuccess()) {
            b.option(CoapOption.ofUint(OptionNumber.OBSERVE, observeSeq & 0xFF_FFFF));
        }
        if (resp.contentFormat() >= 0) {
            b.option(CoapOption.ofUint(OptionNumber.CONTENT_FORMAT, resp.contentFormat()));
        }
        if (resp.maxAge() >= 0) {
            b.option(CoapOption.ofUint(OptionNumber.MAX_AGE, resp.maxAge()));
        }
        if (etag != null) {
            b.option(new CoapOption(OptionNumber.ETAG, etag));
        }
        if (!blockwise) {
            return b.payload(body).build();
        }
        // With a smaller size asked for than we prefer, the number refers to the asked size.
        int num = asked == null ? 0 : (int) ((long) asked.num() * asked.size() / size);
        long offset = (long) num * size;
        if (offset >= body.length && !(offset == 0 && body.length == 0)) {
            return CoapMessage.builder().type(type).messageId(mid).token(token).code(CoapCode.BAD_OPTION).build();
        }
        int end = (int) Math.min(body.length, offset + size);
        b.option(new BlockOption(num, end < body.length, szx).toOption(OptionNumber.BLOCK2));
        if (num == 0 || request.option(OptionNumber.SIZE2) != null) {
            b.option(CoapOption.ofUint(OptionNumber.SIZE2, body.length));
        }
        return b.payload(Arrays.copyOfRange(body, (int) offset, end)).build();
    }

    private static byte[] etagOf(byte[] body) {
        int h = Arrays.hashCode(body);
        return new byte[] {(byte) (h >>> 24), (byte) (h >>> 16), (byte) (h >>> 8), (byte) h};
    }
}
