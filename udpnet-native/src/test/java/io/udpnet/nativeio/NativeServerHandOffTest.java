package io.udpnet.nativeio;

import io.udpnet.io.DatagramIo;
import io.udpnet.transport.ConnectedHandOffContract;

/**
 * The CONNECTED hand-off of a whole server on the native I/O: its connect(2) keeps what the new socket already
 * holds, so a cold server hit by 32 new peers × 2,000 datagrams loses none, run after run. The peers are paced by a
 * window so that no receive queue can overflow however busy the machine ({@link ConnectedHandOffContract}): what is
 * missing was lost by the hand-off.
 */
class NativeServerHandOffTest extends ConnectedHandOffContract {
    @Override
    protected DatagramIo io() {
        return LinuxDatagramIoTest.IO;
    }

    @Override
    protected int repetitions() {
        return 20;
    }

    @Override
    protected long uncountedLossAllowed() {
        return 0;
    }
}
