package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.DisconnectCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A client's retry after a connect time-out comes from the port of the attempt that timed out. */
@Timeout(60)
class ConnectRetryTest {

    @Test
    void aRetryAfterAConnectTimeOutReusesThePort() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults().toBuilder().connectTimeout(Duration.ofMillis(600)).build();
        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             MessageClient client = MessageClient.open(config)) {
            InetSocketAddress server = (InetSocketAddress) silent.getLocalAddress();
            Set<SocketAddress> sources = new HashSet<>();
            for (int attempt = 0; attempt < 3; attempt++) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> client.connectAsync(server,
                        ByteBuffer.allocate(0), null).get(5, TimeUnit.SECONDS));
                ConnectFailedException failed = assertInstanceOf(ConnectFailedException.class, e.getCause());
                assertEquals(DisconnectCode.CONNECT_TIMED_OUT, failed.reason().code());
            }
            silent.configureBlocking(false);
            ByteBuffer b = ByteBuffer.allocate(2048);
            SocketAddress from;
            int requests = 0;
            while ((from = silent.receive(b.clear())) != null) {
                sources.add(from);
                requests++;
            }
            assertEquals(1, sources.size(), requests + " requests from " + sources);
        }
    }
}
