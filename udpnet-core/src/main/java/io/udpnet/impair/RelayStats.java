package io.udpnet.impair;

import io.udpnet.impair.LinkStats;

/**
 * A snapshot of an {@link ImpairmentRelay}'s counters, taken at one instant by {@link ImpairmentRelay#stats()}.
 * Counters cover the relay's whole life, including clients whose mappings have since expired.
 *
 * @param toServer         what happened to datagrams from clients towards the target
 * @param toClient         what happened to datagrams from the target back to clients
 * @param activeClients    client mappings currently open
 * @param clientsAdmitted  client mappings ever opened
 * @param clientsExpired   client mappings closed because they stayed idle for the idle time-out
 * @param rebinds          upstream sockets replaced by {@link ImpairmentRelay#rebind}
 * @param refusedDatagrams datagrams from new clients dropped because the client cap was reached (or their upstream
 *                         socket could not be opened)
 * @param heldDatagrams    datagrams currently held for their delay
 * @param heldBytes        memory those held datagrams occupy, in bytes (their pooled arrays)
 */
public record RelayStats(
        Direction toServer,
        Direction toClient,
        int activeClients,
        long clientsAdmitted,
        long clientsExpired,
        long rebinds,
        long refusedDatagrams,
        int heldDatagrams,
        long heldBytes) {

    /**
     * Counters of one direction, summed over every client. A datagram received is either dropped (lost, queue
     * overflow, oversize, held-memory bound), duplicated into two copies, or still held; each copy is then
     * either relayed or counts as a send failure. {@code reordered} and {@code corrupted} count copies that were
     * held back or had bits flipped; those copies are still relayed.
     *
     * @param received        datagrams that entered the impairments
     * @param receivedBytes   bytes of those datagrams
     * @param relayed         copies sent on towards their destination (duplicates included)
     * @param relayedBytes    bytes of those copies
     * @param lost            datagrams dropped by random loss
     * @param duplicated      extra copies made by duplication
     * @param reordered       copies held back by the reorder delay
     * @param corrupted       copies with flipped bits
     * @param queueDropped    datagrams dropped because the bottleneck queue was full
     * @param oversizeDropped datagrams longer than the configured maximum datagram size
     * @param heldDropped     copies dropped because the relay already held its maximum of delayed bytes
     * @param sendFailed      copies that could not be sent: the socket refused them, or the client's mapping
     *                        expired while they were held
     */
    public record Direction(
            long received,
            long receivedBytes,
            long relayed,
            long relayedBytes,
            long lost,
            long duplicated,
            long reordered,
            long corrupted,
            long queueDropped,
            long oversizeDropped,
            long heldDropped,
            long sendFailed) {

        static Direction of(LinkStats s, long heldDropped, long sendFailed) {
            return new Direction(s.offeredDatagrams(), s.offeredBytes(), s.deliveredDatagrams(), s.deliveredBytes(),
                    s.lost(), s.duplicated(), s.reordered(), s.corrupted(), s.queueDropped(), s.oversizeDropped(),
                    heldDropped, sendFailed);
        }

        /** Datagrams and copies dropped for any reason: loss, queue, size, held-memory bound, send failure. */
        public long dropped() {
            return lost + queueDropped + oversizeDropped + heldDropped + sendFailed;
        }
    }
}
