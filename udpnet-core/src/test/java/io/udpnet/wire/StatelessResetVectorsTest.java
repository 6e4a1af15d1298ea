package io.udpnet.wire;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;

import static io.udpnet.wire.ProtocolVectorsTest.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stateless reset of docs/PROTOCOL.md, section 8.5, against vector-13. */
class StatelessResetVectorsTest {
    private static final long TOKEN = 0x0102030405060708L;

    private static byte[] countingKey() {
        byte[] key = new byte[StatelessReset.KEY_SIZE];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        return key;
    }

    @Test
    void proofAndDatagramMatchTheVector() throws IOException {
        StatelessReset reset = new StatelessReset(countingKey());
        byte[] proof = new byte[StatelessReset.PROOF_SIZE];
        reset.proof(TOKEN, proof);
        assertArrayEquals(vector("vector-13-proof"), proof);
        ByteBuffer b = ByteBuffer.allocate(64);
        int n = reset.write(b, TOKEN, proof);
        assertEquals(StatelessReset.SIZE, n);
        byte[] written = new byte[n];
        b.get(0, written);
        assertArrayEquals(vector("vector-13"), written);
        assertTrue(n < DataHeader.OVERHEAD, "a reset is smaller than any data datagram it can answer");
    }

    @Test
    void onlyTheRightTokenProofAndLengthMatch() throws IOException {
        byte[] v = vector("vector-13");
        ByteBuffer proof = ByteBuffer.wrap(vector("vector-13-proof"));
        long high = proof.getLong(0);
        long low = proof.getLong(8);
        assertTrue(StatelessReset.matches(ByteBuffer.wrap(v), v.length, TOKEN, high, low));
        assertFalse(StatelessReset.matches(ByteBuffer.wrap(v), v.length, TOKEN + 1, high, low), "other token");
        assertFalse(StatelessReset.matches(ByteBuffer.wrap(v), v.length, TOKEN, high, low ^ 1), "other proof");
        ByteBuffer longer = ByteBuffer.allocate(v.length + 1).put(v);
        assertFalse(StatelessReset.matches(longer, v.length + 1, TOKEN, high, low), "other length");
        byte[] otherKind = v.clone();
        otherKind[3] = WireFormat.KIND_DATA;
        assertFalse(StatelessReset.matches(ByteBuffer.wrap(otherKind), v.length, TOKEN, high, low), "other kind");
    }

    @Test
    void anotherKeyGivesAnotherProof() {
        byte[] key = countingKey();
        key[0] ^= 1;
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        new StatelessReset(countingKey()).proof(TOKEN, a);
        new StatelessReset(key).proof(TOKEN, b);
        assertFalse(java.util.Arrays.equals(a, b));
        assertThrows(IllegalArgumentException.class, () -> new StatelessReset(new byte[16]));
    }
}
