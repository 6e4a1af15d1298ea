package io.udpnet.sim;

import io.udpnet.Delivery;

/**
 * Outcome of a {@link Scenario}: what was sent and delivered, what the guarantees of the delivery mode allow, and
 * what it cost on the simulated network.
 *
 * @param delivery         the delivery mode exercised
 * @param seed             the simulation seed (replays the run exactly)
 * @param sent             messages the sender's connection accepted
 * @param delivered        distinct messages delivered intact
 * @param deliveredBytes   bytes of those messages
 * @param duplicates       messages delivered more than once (must be 0 on every mode)
 * @param outOfOrder       messages delivered after a newer one (must be 0 on ordered and sequenced modes)
 * @param corrupted        messages delivered with bytes that differ from those sent (must be 0)
 * @param datagramsSent    datagrams sent by both ends, acks included
 * @param retransmissions  reliable packets (messages or fragments of messages) sent again; a datagram carries
 *                         several packets, so this count can exceed {@code datagramsSent}
 * @param simulatedMillis  virtual time until the run finished (every message delivered, or for unreliable modes
 *                         every datagram acknowledged or declared lost)
 * @param completed        whether it finished, connected, within the time limit
 * @param timeLimitReached whether the run was cut short by the time limit (of itself no broken guarantee)
 * @param rttMillis        the sender's smoothed round-trip time at the end
 * @param handshakeMillis  time from the client's first REQUEST to the server's ACCEPT, or -1 if it never connected
 * @param cwnd             the sender's congestion window at the end, bytes
 */
public record ScenarioReport(
        Delivery delivery,
        long seed,
        long sent,
        long delivered,
        long deliveredBytes,
        long duplicates,
        long outOfOrder,
        long corrupted,
        long datagramsSent,
        long retransmissions,
        double simulatedMillis,
        boolean completed,
        boolean timeLimitReached,
        double rttMillis,
        double handshakeMillis,
        long cwnd) {

    /**
     * Whether every guarantee of the delivery mode held: no violation, and on reliable modes every message delivered
     * within the time limit.
     *
     * @return true when the run shows the mode's guarantees intact
     */
    public boolean guaranteesHeld() {
        return !guaranteeBroken() && (!delivery.isReliable() || (completed && delivered == sent));
    }

    /**
     * Whether the run shows a guarantee broken: a duplicate or corrupted delivery, an out-of-order one on an ordered
     * or sequenced mode, or, on reliable modes, messages missing at the end of a run that the time limit did not cut
     * short. A run stopped by the time limit with none of these broke nothing; it only did not finish.
     *
     * @return true when a guarantee of the delivery mode was seen to fail
     */
    public boolean guaranteeBroken() {
        boolean ordered = delivery == Delivery.RELIABLE_ORDERED || delivery == Delivery.UNRELIABLE_SEQUENCED;
        return duplicates != 0 || corrupted != 0 || (ordered && outOfOrder != 0)
                || (delivery.isReliable() && !timeLimitReached && !(completed && delivered == sent));
    }

    /**
     * Delivered payload bits per second of simulated time after the handshake, in Mbit/s; 0 when nothing was
     * delivered or no time passed after the handshake.
     *
     * @return the goodput in Mbit/s
     */
    public double goodputMbitPerSecond() {
        double millis = simulatedMillis - Math.max(0, handshakeMillis);
        return deliveredBytes == 0 || millis <= 0 ? 0 : deliveredBytes * 8 / (millis / 1000) / 1e6;
    }

    /** One JSON object with every field and {@code guaranteesHeld}. */
    public String toJson() {
        return "{\"delivery\":\"" + delivery + "\",\"seed\":" + seed + ",\"sent\":" + sent + ",\"delivered\":"
                + delivered + ",\"deliveredBytes\":" + deliveredBytes + ",\"duplicates\":" + duplicates
                + ",\"outOfOrder\":" + outOfOrder + ",\"corrupted\":" + corrupted + ",\"datagramsSent\":"
                + datagramsSent + ",\"retransmissions\":" + retransmissions + ",\"simulatedMillis\":"
                + round(simulatedMillis) + ",\"completed\":" + completed + ",\"timeLimitReached\":"
                + timeLimitReached + ",\"rttMillis\":" + round(rttMillis)
                + ",\"handshakeMillis\":" + round(handshakeMillis) + ",\"cwnd\":" + cwnd
                + ",\"guaranteesHeld\":" + guaranteesHeld() + "}";
    }

    private static String round(double v) {
        return String.valueOf(Math.round(v * 1000) / 1000.0);
    }
}
