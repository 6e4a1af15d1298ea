package io.udpnet.impair;

/** Why the simulation discarded a datagram; reported to a {@link SimListener}. */
public enum DropReason {
    /** Random loss configured by {@link LinkConfig#lossProbability()}. */
    RANDOM_LOSS,
    /** The bottleneck queue of the link was full (congestion loss). */
    QUEUE_OVERFLOW,
    /** The datagram was longer than {@link LinkConfig#maxDatagramSize()}. */
    OVERSIZE,
    /** No node was registered at the destination address when the datagram was sent or when it arrived. */
    UNKNOWN_DESTINATION
}
