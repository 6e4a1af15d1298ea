package io.udpnet.nativeio;

import io.udpnet.io.DatagramIo;
import io.udpnet.transport.SharedModeIcmpContract;

/** ICMP port unreachable ends a SHARED-mode session at once on the native I/O (IP_RECVERR on the one socket). */
class NativeSharedModeIcmpTest extends SharedModeIcmpContract {
    @Override
    protected DatagramIo io() {
        return LinuxDatagramIoTest.IO;
    }
}
