package io.udpnet.coap;

import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * What the plain and the DTLS Californium interop tests both hold for a test: Californium's side, and the udpnet
 * server's resources once a test starts that server. Each subclass registers the Californium settings it needs.
 */
@Timeout(60)
abstract class CaliforniumInteropTestBase {
    /** Set by a test that starts the udpnet server; closed after it. */
    TestResources res;
    CaliforniumSide californium;

    /** The Californium configuration the subclass built once for all its tests. */
    abstract Configuration config();

    @BeforeEach
    void startCalifornium() {
        californium = new CaliforniumSide(config());
    }

    @AfterEach
    void stop() throws Exception {
        californium.close();
        if (res != null) {
            res.server.close();
        }
    }
}
