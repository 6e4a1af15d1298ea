package io.udpnet.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Decides on connect requests at a {@link ServerEndpoint}. Called only for clients that proved they receive at
 * their address (they echoed the server's cookie), on the thread that drives the endpoint; it must not block.
 */
@FunctionalInterface
public interface AdmissionPolicy {
    /**
     * @param client  the client's address
     * @param payload what the client passed to {@link Connection#connect} (position..limit; valid during the call)
     */
    Admission admit(InetSocketAddress client, ByteBuffer payload);
}
