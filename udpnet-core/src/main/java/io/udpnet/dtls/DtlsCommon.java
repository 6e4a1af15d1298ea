package io.udpnet.dtls;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings a DTLS client and a DTLS server share, with their defaults and checks, so that both configurations
 * take the same values and fail the same way. Mutable while a builder holds it; a configuration keeps a
 * {@link #copy()} and never changes it.
 */
final class DtlsCommon {
    int maxDatagramSize = 1200;
    Duration handshakeTimeout = Duration.ofSeconds(20);
    Duration initialRetransmitTimeout = Duration.ofSeconds(1);
    Duration maxRetransmitTimeout = Duration.ofSeconds(8);
    /** Null for the JDK's defaults; never shared with a caller (cloned on the way in and out). */
    String[] cipherSuites;

    DtlsCommon copy() {
        DtlsCommon c = new DtlsCommon();
        c.maxDatagramSize = maxDatagramSize;
        c.handshakeTimeout = handshakeTimeout;
        c.initialRetransmitTimeout = initialRetransmitTimeout;
        c.maxRetransmitTimeout = maxRetransmitTimeout;
        c.cipherSuites = cipherSuites;
        return c;
    }

    void maxDatagramSize(int bytes) {
        maxDatagramSize = range("maxDatagramSize", bytes, 256, 16_384);
    }

    void handshakeTimeout(Duration timeout) {
        handshakeTimeout = duration("handshakeTimeout", timeout);
    }

    void retransmitTimeouts(Duration initial, Duration max) {
        duration("initialRetransmitTimeout", initial);
        duration("maxRetransmitTimeout", max);
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("maxRetransmitTimeout " + max + " is below the initial " + initial);
        }
        initialRetransmitTimeout = initial;
        maxRetransmitTimeout = max;
    }

    void cipherSuites(String... suites) {
        cipherSuites = suites == null ? null : suites.clone();
    }

    String[] cipherSuitesCopy() {
        return cipherSuites == null ? null : cipherSuites.clone();
    }

    static int range(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + v);
        }
        return v;
    }

    static Duration duration(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException(name + " must be in [100 ms, 10 min]: " + d);
        }
        return d;
    }
}
