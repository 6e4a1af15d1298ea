/** JMH benchmarks of the udpnet engine and transports, harnesses per server strategy, and {@code udpnet bench}. */
package io.udpnet.bench;
