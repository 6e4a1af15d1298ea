package io.udpnet.nativeio;

import io.udpnet.io.DatagramIo;
import io.udpnet.io.DatagramIoContract;

/** The I/O contract on the native Linux implementation. */
class LinuxDatagramIoTest extends DatagramIoContract {
    static final LinuxDatagramIo IO = new LinuxDatagramIo();

    @Override
    protected DatagramIo io() {
        return IO;
    }

    @Override
    protected boolean reportsFullLength() {
        return true;
    }
}
