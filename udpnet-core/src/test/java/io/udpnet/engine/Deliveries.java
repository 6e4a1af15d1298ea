package io.udpnet.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A message handler for tests: copies each delivered message and remembers where it came from. */
final class Deliveries implements MessageListener {
    record Delivered(int channel, byte[] bytes, ByteBuffer buffer, int offset) {
    }

    final List<Delivered> all = new ArrayList<>();

    @Override
    public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
        byte[] b = new byte[length];
        buffer.get(offset, b);
        all.add(new Delivered(channel, b, buffer, offset));
    }

    /** First byte of each delivered message (tests put the message sequence there). */
    List<Integer> firstBytes() {
        List<Integer> r = new ArrayList<>();
        for (Delivered d : all) {
            r.add(d.bytes().length == 0 ? -1 : d.bytes()[0] & 0xFF);
        }
        return r;
    }

    int size() {
        return all.size();
    }

    /** A buffer holding {@code len} bytes at offset {@code at}, the first being {@code tag}, the rest a pattern. */
    static ByteBuffer message(int tag, int at, int len) {
        ByteBuffer b = ByteBuffer.allocate(at + len + 5);
        for (int i = 0; i < len; i++) {
            b.put(at + i, (byte) (i == 0 ? tag : i * 11 + tag));
        }
        return b;
    }

    static byte[] bytes(int tag, int len) {
        byte[] m = new byte[len];
        message(tag, 0, len).get(0, m);
        return m;
    }
}
