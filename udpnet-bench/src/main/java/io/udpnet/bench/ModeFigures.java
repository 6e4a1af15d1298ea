package io.udpnet.bench;

/**
 * What one measurement of the {@code modes} scenario gave.
 *
 * @param perSecond      datagrams (or messages) that reached the server's handler per second
 * @param bytesPerSecond their payload bytes per second
 * @param cores          the process's CPU time over the measured time
 * @param sent           datagrams (or messages) sent in the measured time
 * @param delivered      datagrams (or messages) the server's handler took in the measured time
 * @param detail         counters for the progress output
 */
record ModeFigures(double perSecond, double bytesPerSecond, double cores, long sent, long delivered,
                   String detail) {
}
