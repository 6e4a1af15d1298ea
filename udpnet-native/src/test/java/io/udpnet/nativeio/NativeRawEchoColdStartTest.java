package io.udpnet.nativeio;

import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;
import io.udpnet.transport.RawEchoColdStartContract;

/** The cold-start echo on the native I/O: its connect(2) has no flush, so no mode loses a datagram. */
class NativeRawEchoColdStartTest extends RawEchoColdStartContract {
    @Override
    protected DatagramIo io() {
        return LinuxDatagramIoTest.IO;
    }

    @Override
    protected long uncountedLossAllowed(ServerMode mode) {
        return 0;
    }
}
