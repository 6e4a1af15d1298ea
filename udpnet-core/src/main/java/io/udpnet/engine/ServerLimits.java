package io.udpnet.engine;

import io.udpnet.ServerEndpointConfig;

/**
 * The limits of one server that all its {@link ServerEndpoint}s share, whatever thread drives each: the rate of
 * challenges, the rate of stateless resets and the receive memory of {@link ServerEndpointConfig}. A server made of
 * several endpoints (one per socket and thread) gives each the same instance, so that the documented figures hold
 * for the server as a whole and not per endpoint. Thread-safe and lock-free; nothing here is touched per message.
 */
public final class ServerLimits {
    final RateLimiter challenges;
    final RateLimiter resets;
    final MemoryPool receiveMemory;

    /** The shared limits of a server configured with {@code config}. */
    public ServerLimits(ServerEndpointConfig config) {
        this.challenges = RateLimiter.perSecond(config.challengesPerSecond());
        this.resets = RateLimiter.perSecond(config.resetsPerSecond());
        this.receiveMemory = new MemoryPool(config.receiveMemoryBytes());
    }

    /** Bytes of receive memory the endpoints hold or have set aside for themselves (at most ~64 KiB each). */
    public long receiveMemoryLeased() {
        return receiveMemory.leased();
    }
}
