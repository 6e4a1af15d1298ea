package io.udpnet.nativeio;

import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The io.udpnet.KernelDrops JFR event on a real kernel overflow: a server whose only I/O thread is held up while a
 * burst fills its small receive buffer. Native I/O only: NIO cannot read the kernel's drop counter.
 */
@Timeout(60)
class KernelDropsEventTest {
    @Test
    void aReceiveQueueOverflowIsRecordedWithItsCount() throws Exception {
        List<RecordedEvent> events = new CopyOnWriteArrayList<>();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("io.udpnet.KernelDrops");
            rs.onEvent(events::add);
            rs.startAsync();
            try (UdpServer server = UdpServer.open(UdpServerConfig.builder()
                    .bindAddress(new InetSocketAddress("127.0.0.1", 0)).io(LinuxDatagramIoTest.IO)
                    .receiveBufferSize(4096).shards(1)
                    .sessionListener(s -> (session, datagram) -> {
                        held.countDown();
                        try {
                            release.await(20, TimeUnit.SECONDS);   // the I/O thread stops reading meanwhile
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }).build());
                 DatagramChannel client = DatagramChannel.open()) {
                client.connect(server.localAddress());
                client.write(ByteBuffer.allocate(10));
                assertTrue(held.await(20, TimeUnit.SECONDS));
                for (int i = 0; i < 2000; i++) {
                    client.write(ByteBuffer.allocate(100));
                }
                release.countDown();
                long end = System.nanoTime() + 30_000_000_000L;
                long drops = 0;
                long recorded = 0;
                while (System.nanoTime() < end) {
                    // The kernel's counter travels with each datagram queued after the drops: keep sending a few.
                    client.write(ByteBuffer.allocate(10));
                    drops = server.socketStats().socketDrops();
                    recorded = events.stream().mapToLong(e -> e.getLong("datagrams")).sum();
                    if (drops > 0 && recorded == drops) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertTrue(drops > 0, "a 4 KiB receive buffer dropped nothing of 2,000 datagrams");
                assertEquals(drops, recorded, "events: " + events);
                RecordedEvent last = events.getLast();
                assertEquals(drops, last.getLong("total"));
                assertEquals("127.0.0.1:" + server.localAddress().getPort(), last.getString("socket"));
            }
        }
    }
}
