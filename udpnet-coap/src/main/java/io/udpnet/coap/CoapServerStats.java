package io.udpnet.coap;

/**
 * A snapshot of a {@link CoapServer}'s counters, over all the transports it serves.
 *
 * @param requests handler calls: requests processed (each once, however often retransmitted) and notifications made
 * @param duplicates retransmitted requests answered from the de-duplication cache (or ignored while in progress)
 * @param malformed datagrams that were not well-formed CoAP messages, dropped (a confirmable one is answered with RST)
 * @param resetsSent Reset messages sent
 * @param separateResponses responses sent separately after an empty ACK
 * @param notifications Observe notifications sent
 * @param observers observers registered now
 * @param dedupEntries requests remembered for de-duplication now
 * @param dedupEvictions remembered requests forgotten early because the cache was full
 * @param overloaded requests refused with 5.03 because their peer had too many in progress
 * @param retransmissions confirmable messages the server sent again for want of an ACK
 * @param amplificationLimited responses made smaller (in smaller blocks) because their peer was not yet verified
 */
public record CoapServerStats(long requests, long duplicates, long malformed, long resetsSent, long separateResponses,
                              long notifications, int observers, int dedupEntries, long dedupEvictions,
                              long overloaded, long retransmissions,
                              long amplificationLimited) {
}
