/** JMH benchmarks of the udpnet engine and transports. */
package io.udpnet.bench;
