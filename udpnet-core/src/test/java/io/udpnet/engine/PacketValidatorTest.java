package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.wire.PacketHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every malformed case of PROTOCOL.md sections 4 and 6, and the valid cases next to them. */
class PacketValidatorTest {
    private static final int MALFORMED = -1;
    private static final int MAX_MESSAGE = 5000;
    private static final ConnectionConfig CONFIG = ConnectionConfig.builder()
            .channels(Delivery.RELIABLE_ORDERED, Delivery.UNRELIABLE, Delivery.UNRELIABLE_SEQUENCED)
            .maxMessageSize(MAX_MESSAGE)
            .maxUnreliableFragments(4)
            .build();
    private static final int FROM = 26;

    private int last;
    private final ByteBuffer b = ByteBuffer.allocate(1500);
    private int at = FROM;

    private PacketValidatorTest message(int channel, int len) {
        PacketHeader.writeMessage(b, at, channel, 1, len);
        at += PacketHeader.MESSAGE_HEADER + len;
        return this;
    }

    private PacketValidatorTest fragment(int channel, int len, int index, int count, int messageLength) {
        PacketHeader.writeFragment(b, at, channel, 1, len, index, count, messageLength);
        at += PacketHeader.FRAGMENT_HEADER + len;
        return this;
    }

    private PacketValidatorTest raw(int... bytes) {
        for (int x : bytes) {
            b.put(at++, (byte) x);
        }
        return this;
    }

    /** Validates what was written: MALFORMED, 1 when something is to be acknowledged, else 0. */
    private int validate() {
        return validate(CONFIG);
    }

    private int validate(ConnectionConfig config) {
        last = PacketValidator.validate(config, b, FROM, at);
        return last == PacketValidator.MALFORMED ? MALFORMED : PacketValidator.eliciting(last) ? 1 : 0;
    }

    @Test
    void nothingOrOnlyPaddingElicitsNoAck() {
        assertEquals(0, validate());
        raw(0, 0, 0);
        assertEquals(0, validate());
    }

    @Test
    void pingAndMessagesElicitAnAck() {
        raw(PacketHeader.TYPE_PING);
        assertEquals(1, validate());
        message(0, 0).message(1, 20).message(2, 1);
        assertEquals(1, validate());
    }

    @Test
    void aDatagramWhoseOnlyAckElicitingPacketIsAPingIsToldApart() {
        raw(PacketHeader.TYPE_PING);
        validate();
        assertTrue(PacketValidator.onlyPing(last), "a keep-alive");
        raw(0, 0, 0);
        validate();
        assertTrue(PacketValidator.onlyPing(last), "a padded probe");
        at = FROM;
        raw(PacketHeader.TYPE_PING).message(0, 4);
        validate();
        assertFalse(PacketValidator.onlyPing(last), "a ping with a message");
        at = FROM;
        message(1, 4);
        validate();
        assertFalse(PacketValidator.onlyPing(last), "a message alone");
        at = FROM;
        raw(PacketHeader.TYPE_PING, PacketHeader.TYPE_PATH_CHALLENGE, 1, 2, 3, 4, 5, 6, 7, 8);
        validate();
        assertFalse(PacketValidator.onlyPing(last), "a ping with a path challenge");
        at = FROM;
        raw(PacketHeader.TYPE_PING, 99);
        assertEquals(MALFORMED, validate());
        assertFalse(PacketValidator.onlyPing(last), "a malformed datagram");
    }

    @Test
    void pathChallengeAndResponseElicitAnAckAndMustBeWhole() {
        raw(PacketHeader.TYPE_PATH_CHALLENGE, 1, 2, 3, 4, 5, 6, 7, 8);
        assertEquals(1, validate());
        raw(PacketHeader.TYPE_PATH_RESPONSE, 1, 2, 3, 4, 5, 6, 7, 8);
        assertEquals(1, validate());
        at--;
        assertEquals(MALFORMED, validate(), "8 of 9 bytes");
        at = FROM;
        raw(PacketHeader.TYPE_PATH_CHALLENGE, 1, 2, 3, 4, 5, 6, 7);
        assertEquals(MALFORMED, validate(), "a challenge cut short");
    }

    @Test
    void busyNamesASequenceElicitsNoAckAndMustBeWhole() {
        raw(PacketHeader.TYPE_BUSY, 0xAB, 0xCD);
        assertEquals(0, validate());
        assertEquals(0xABCD, PacketValidator.busySequence(last));
        message(0, 3);
        assertEquals(1, validate(), "with a message");
        at -= PacketHeader.MESSAGE_HEADER + 3 + 1;
        assertEquals(MALFORMED, validate(), "2 of 3 bytes");
        at = FROM;
        message(0, 3);
        assertEquals(1, validate());
        assertEquals(-1, PacketValidator.busySequence(last), "none in this datagram");
    }

    @Test
    void paddingEndsThePacketListWhateverFollows() {
        message(0, 3).raw(0, 0x7F, 0xFF, 0x03);
        assertEquals(1, validate());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x03, 0x04, 0x10, 0x1F, 0x25, 0x3F, 0x80, 0xFF})
    void reservedTypesAreMalformed(int type) {
        raw(type, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(MALFORMED, validate());
    }

    @Test
    void reservedTypeAfterAValidPacketMakesTheWholeDatagramMalformed() {
        message(0, 5).raw(PacketHeader.TYPE_PING).raw(0x05);
        assertEquals(MALFORMED, validate());
    }

    @Test
    void channelOutOfRangeIsMalformed() {
        message(3, 1);
        assertEquals(MALFORMED, validate());
        at = FROM;
        fragment(255, 600, 0, 2, 1200);
        assertEquals(MALFORMED, validate());
    }

    @Test
    void truncatedHeadersAreMalformed() {
        raw(PacketHeader.TYPE_MESSAGE, 0, 0, 1, 0);
        assertEquals(MALFORMED, validate(), "5 of 6 header bytes");
        at = FROM;
        raw(PacketHeader.TYPE_FRAGMENT, 0, 0, 1, 0, 4, 0, 1, 0, 3, 0, 0, 0);
        assertEquals(MALFORMED, validate(), "13 of 14 header bytes");
    }

    @Test
    void truncatedPayloadIsMalformed() {
        message(0, 10);
        at--;
        assertEquals(MALFORMED, validate());
        at = FROM;
        fragment(0, 4, 1, 3, 10);
        at--;
        assertEquals(MALFORMED, validate());
    }

    @Test
    void wholeMessageOverTheMaximumSizeIsMalformed() {
        ConnectionConfig small = ConnectionConfig.builder().maxMessageSize(100).build();
        message(0, 100);
        assertEquals(1, validate(small));
        at = FROM;
        message(0, 101);
        assertEquals(MALFORMED, validate(small));
    }

    @Test
    void fragmentsWithTheSpecGeometryAreValid() {
        // 10 bytes in 3: stride ceil(10 / 3) = 4; fragments carry 4, 4, 2 (the vector-3 message).
        fragment(0, 4, 0, 3, 10).fragment(0, 4, 1, 3, 10).fragment(0, 2, 2, 3, 10);
        assertEquals(1, validate());
        at = FROM;
        // 5000 bytes (the maximum) in 5: stride 1000, last 1000.
        fragment(0, 1000, 4, 5, MAX_MESSAGE);
        assertEquals(1, validate());
    }

    @Test
    void fragmentCountBelowTwoIsMalformed() {
        fragment(0, 10, 0, 1, 10);
        assertEquals(MALFORMED, validate());
        at = FROM;
        fragment(0, 0, 0, 0, 10);
        assertEquals(MALFORMED, validate());
    }

    @Test
    void fragmentIndexNotBelowTheCountIsMalformed() {
        fragment(0, 2, 3, 3, 10);
        assertEquals(MALFORMED, validate());
        at = FROM;
        fragment(0, 4, 65535, 3, 10);
        assertEquals(MALFORMED, validate());
    }

    @Test
    void fragmentMessageLengthOverTheMaximumIsMalformed() {
        // 5001 in 5: stride 1001, last 997 — the geometry holds, only the length is over the maximum.
        fragment(0, 997, 4, 5, MAX_MESSAGE + 1);
        assertEquals(MALFORMED, validate());
        at = FROM;
        fragment(0, 1001, 0, 5, MAX_MESSAGE + 1);
        assertEquals(MALFORMED, validate());
        at = FROM;
        fragment(0, 4, 0, 3, -1);
        assertEquals(MALFORMED, validate(), "message length 0xFFFFFFFF");
    }

    @Test
    void fragmentPayloadLengthOtherThanTheGeometryIsMalformed() {
        fragment(0, 3, 0, 3, 10);
        assertEquals(MALFORMED, validate(), "non-last fragment carries exactly the stride (4)");
        at = FROM;
        fragment(0, 5, 1, 3, 10);
        assertEquals(MALFORMED, validate());
        at = FROM;
        fragment(0, 4, 2, 3, 10);
        assertEquals(MALFORMED, validate(), "last fragment carries 10 - 2 * 4 = 2");
        at = FROM;
        fragment(0, 1, 2, 3, 10);
        assertEquals(MALFORMED, validate());
    }

    @Test
    void geometryWithAnEmptyLastFragmentIsMalformed() {
        // 10 bytes in 6: stride 2, (6 - 1) * 2 = 10 >= 10, the last fragment would be empty.
        fragment(0, 2, 0, 6, 10);
        assertEquals(MALFORMED, validate());
        at = FROM;
        fragment(0, 0, 5, 6, 10);
        assertEquals(MALFORMED, validate());
        at = FROM;
        // 9 bytes in 6: stride 2, 5 * 2 = 10 >= 9.
        fragment(0, 2, 0, 6, 9);
        assertEquals(MALFORMED, validate());
        at = FROM;
        // An empty message cannot be fragmented: stride 0, (2 - 1) * 0 = 0 >= 0.
        fragment(0, 0, 0, 2, 0);
        assertEquals(MALFORMED, validate());
        at = FROM;
        // 11 bytes in 6: stride 2, 5 * 2 = 10 < 11, last carries 1: valid.
        fragment(0, 1, 5, 6, 11);
        assertEquals(1, validate());
    }

    @Test
    void tooManyFragmentsOnUnreliableChannelsAreMalformed() {
        // maxUnreliableFragments is 4. 20 bytes in 5: stride 4.
        fragment(1, 4, 0, 5, 20);
        assertEquals(MALFORMED, validate(), "unreliable");
        at = FROM;
        fragment(2, 4, 0, 5, 20);
        assertEquals(MALFORMED, validate(), "sequenced");
        at = FROM;
        fragment(0, 4, 0, 5, 20);
        assertEquals(1, validate(), "reliable channels have no such limit");
        at = FROM;
        fragment(1, 5, 0, 4, 20);
        assertEquals(1, validate(), "4 is allowed");
    }
}
