package io.udpnet.impair;

/**
 * Counters of one directed link, as a snapshot taken by {@code Simulation.linkStats} or summed over every link by
 * {@code Simulation.totalLinkStats()}.
 *
 * <p>Every datagram offered ends up in exactly one of: delivered, lost, dropped by queue overflow, dropped as
 * oversize, still in flight, or discarded on arrival because its destination node was
 * removed (counted only by {@code Simulation.unknownDestinationDrops()}). Duplication adds copies, so with duplication switched on more datagrams can be
 * delivered than were offered; {@code duplicated} says how many extra copies were made. {@code reordered} and
 * {@code corrupted} count copies that were held back or had bits flipped; those copies are still delivered.
 *
 * @param offeredDatagrams  datagrams sent into the link
 * @param offeredBytes      bytes of those datagrams
 * @param deliveredDatagrams datagram copies handed to the receiving node (duplicates included)
 * @param deliveredBytes    bytes of those copies
 * @param lost              datagrams dropped by random loss
 * @param queueDropped      datagrams dropped because the bottleneck queue was full (congestion loss)
 * @param oversizeDropped   datagrams dropped for exceeding the link's maximum datagram size
 * @param duplicated        extra copies made by duplication
 * @param reordered         copies held back by the reorder delay
 * @param corrupted         copies with flipped bits
 */
public record LinkStats(
        long offeredDatagrams,
        long offeredBytes,
        long deliveredDatagrams,
        long deliveredBytes,
        long lost,
        long queueDropped,
        long oversizeDropped,
        long duplicated,
        long reordered,
        long corrupted) {

    /** All counters zero: the statistics of a link that never carried anything. */
    public static final LinkStats ZERO = new LinkStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The counter-by-counter sum of this and {@code other}. */
    public LinkStats plus(LinkStats other) {
        return new LinkStats(
                offeredDatagrams + other.offeredDatagrams,
                offeredBytes + other.offeredBytes,
                deliveredDatagrams + other.deliveredDatagrams,
                deliveredBytes + other.deliveredBytes,
                lost + other.lost,
                queueDropped + other.queueDropped,
                oversizeDropped + other.oversizeDropped,
                duplicated + other.duplicated,
                reordered + other.reordered,
                corrupted + other.corrupted);
    }
}
