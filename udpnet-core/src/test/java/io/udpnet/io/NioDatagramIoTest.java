package io.udpnet.io;

/** The I/O contract on JDK NIO. */
class NioDatagramIoTest extends DatagramIoContract {
    @Override
    protected DatagramIo io() {
        return DatagramIo.nio();
    }

    @Override
    protected boolean reportsFullLength() {
        return false;
    }
}
