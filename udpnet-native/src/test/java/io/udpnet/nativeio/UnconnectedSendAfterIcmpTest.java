package io.udpnet.nativeio;

import io.udpnet.io.SocketOptions;
import io.udpnet.io.UdpSocket;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An ICMP port unreachable about one peer leaves an error on an unconnected socket that fails its next send,
 * whatever the destination. {@code sendTo} to another peer must still send, as the batch sender does: the error is
 * not about that peer (a DTLS server answering close_notify to clients that already left met this).
 */
class UnconnectedSendAfterIcmpTest {

    @Test
    void aSendToALivePeerIsNotFailedByAnotherPeersIcmpError() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        int gonePort;
        try (DatagramSocket gone = new DatagramSocket(0, lo)) {
            gonePort = gone.getLocalPort();
        }
        try (UdpSocket s = LinuxDatagramIoTest.IO.open(SocketOptions.buffers(0));
             DatagramSocket live = new DatagramSocket(0, lo)) {
            s.bind(new InetSocketAddress(lo, 0));
            live.setSoTimeout(5000);
            s.sendTo(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(lo, gonePort));
            Thread.sleep(100); // the ICMP error arrives and waits on the socket: nobody reads it
            int n = s.sendTo(ByteBuffer.wrap(new byte[] {2, 2}), (InetSocketAddress) live.getLocalSocketAddress());
            assertEquals(2, n);
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            live.receive(p);
            assertEquals(2, p.getLength());
        }
    }
}
