package io.udpnet.engine;

import java.nio.ByteBuffer;

/** Receives the messages a {@link Connection} delivers. */
@FunctionalInterface
public interface MessageListener {
    /**
     * A message arrived on {@code channel}: bytes {@code [offset, offset + length)} of {@code buffer}. The buffer is
     * the engine's and is only valid during the call: copy what you keep. Do not change the buffer's contents.
     * The handler may call {@link Connection#send} on the same connection.
     */
    void onMessage(int channel, ByteBuffer buffer, int offset, int length);
}
