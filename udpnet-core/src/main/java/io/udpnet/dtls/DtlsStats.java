package io.udpnet.dtls;

/**
 * A snapshot of a DTLS server's counters (each exact; together approximate while traffic flows).
 *
 * @param helloVerifyRequestsSent HelloVerifyRequests sent to cookieless ClientHellos (no state kept for them)
 * @param helloVerifyBytesSent    their bytes
 * @param helloVerifyBytesAnswered the bytes of the ClientHellos they answered (never less than the line above)
 * @param helloVerifyRateLimited  cookieless ClientHellos dropped by the rate limit
 * @param hellosRejected          datagrams from unknown peers dropped: not a whole ClientHello, a cookie that is
 *                                not valid for the sender, or a hello smaller than the reply would be
 * @param handshakesStarted       engines created for clients that echoed a valid cookie
 * @param handshakesRefused       such clients refused because {@code maxHandshakes} were in progress
 * @param handshakesCompleted     handshakes that ended in a session
 * @param handshakesFailed        handshakes that failed or timed out
 * @param handshakesInProgress    handshakes running now
 * @param enginesAlive            SSLEngines in existence now (handshakes in progress plus open sessions)
 * @param invalidRecords          records dropped inside sessions and handshakes: bad MAC, replays, broken headers
 */
public record DtlsStats(long helloVerifyRequestsSent, long helloVerifyBytesSent, long helloVerifyBytesAnswered,
                        long helloVerifyRateLimited, long hellosRejected, long handshakesStarted,
                        long handshakesRefused, long handshakesCompleted, long handshakesFailed,
                        int handshakesInProgress, int enginesAlive, long invalidRecords) {
}
