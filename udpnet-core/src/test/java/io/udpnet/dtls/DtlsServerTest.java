package io.udpnet.dtls;

import io.udpnet.io.ServerMode;
import io.udpnet.transport.UdpServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DtlsServerTest {

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void everyStrategyCarriesADtlsSession(ServerMode mode) throws Exception {
        try (UdpServer server = DtlsEchoServers.open(mode, DtlsEchoServers.fast());
             DtlsClient client = DtlsClient.connect(server.localAddress(), DtlsEchoServers.client(server))) {
            for (int i = 0; i < 10; i++) {
                assertEquals("hello " + i, DtlsEchoServers.echo(client, "hello " + i));
            }
            assertEquals(1, server.sessionCount());
            DtlsStats s = server.dtlsStats().orElseThrow();
            assertEquals(1, s.handshakesCompleted());
            assertEquals(1, s.enginesAlive());
            assertEquals(0, s.handshakesInProgress());
            assertTrue(s.helloVerifyRequestsSent() >= 1, s.toString());
        }
    }
}
