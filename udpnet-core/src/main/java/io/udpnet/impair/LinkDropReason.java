package io.udpnet.impair;

/** Why the simulation discarded a datagram; reported to a {@code io.udpnet.sim.SimListener}, or counted by the impairment relay. */
public enum LinkDropReason {
    /** Random loss configured by {@link LinkConfig#lossProbability()}. */
    RANDOM_LOSS,
    /** The bottleneck queue of the link was full (congestion loss). */
    QUEUE_OVERFLOW,
    /** The datagram was longer than {@link LinkConfig#maxDatagramSize()}. */
    OVERSIZE,
    /** No node was registered at the destination address when the datagram was sent or when it arrived. */
    UNKNOWN_DESTINATION
}
