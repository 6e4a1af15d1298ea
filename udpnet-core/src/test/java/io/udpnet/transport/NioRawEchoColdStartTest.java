package io.udpnet.transport;

import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;

/**
 * The cold-start echo on NIO. SHARED and SHARDED lose nothing. In CONNECTED mode the JDK's
 * {@code DatagramChannel.connect()} flushes what the new per-peer socket received between the kernel's connect and
 * the end of that flush, and no counter sees it (docs/SERVER-MODES.md): a few datagrams of a new peer can vanish
 * there, as {@link NioConnectedHandOffTest} measures; the bound is the same.
 */
class NioRawEchoColdStartTest extends RawEchoColdStartContract {
    @Override
    protected DatagramIo io() {
        return DatagramIo.nio();
    }

    @Override
    protected long uncountedLossAllowed(ServerMode mode) {
        return mode == ServerMode.CONNECTED ? 100 : 0;
    }
}
