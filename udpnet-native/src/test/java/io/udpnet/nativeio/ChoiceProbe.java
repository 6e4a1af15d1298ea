package io.udpnet.nativeio;

import io.udpnet.io.DatagramBatch;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.Poller;
import io.udpnet.io.SocketOptions;
import io.udpnet.io.UdpSocket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Run in a child JVM by {@link FallbackTest}: prints the chosen implementation's name and whether it carried a
 * datagram.
 */
public final class ChoiceProbe {
    private ChoiceProbe() {
    }

    public static void main(String[] args) throws Exception {
        DatagramIo io = DatagramIo.defaultIo();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UdpSocket a = io.open(SocketOptions.buffers(0)); UdpSocket b = io.open(SocketOptions.buffers(0));
             Poller p = io.openPoller()) {
            a.bind(any);
            b.bind(any);
            p.register(b, b);
            a.sendTo(ByteBuffer.wrap(new byte[] {42}), b.localAddress());
            DatagramBatch batch = new DatagramBatch(4, 16);
            for (int i = 0; i < 100 && batch.isEmpty(); i++) {
                p.poll(50_000_000L, x -> { });
                b.receive(batch, e -> { });
            }
            System.out.println(io.name() + " " + (batch.count() == 1 && batch.datagram(0).get(0) == 42));
        }
    }
}
