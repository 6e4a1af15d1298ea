/** JMH benchmarks of the udpnet engine and codecs, the I/O harness, and {@code udpnet bench} with its peers. */
package io.udpnet.bench;
