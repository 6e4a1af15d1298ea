/**
 * Impaired links: the model of a bad network path ({@link io.udpnet.impair.LinkConfig}: loss, duplication,
 * reordering, latency, jitter, bandwidth, corruption, MTU) and {@link io.udpnet.impair.Link}, which applies it to one
 * direction; the simulator uses it in virtual time, and {@link io.udpnet.impair.ImpairmentRelay} in real time
 * between real UDP programs. Test tools: nothing in the library's servers or clients depends on this package.
 */
package io.udpnet.impair;
