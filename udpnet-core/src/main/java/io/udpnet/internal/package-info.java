/**
 * Code shared by the simulator and the real-socket transports; not exported by the module and not part of the API.
 */
package io.udpnet.internal;
