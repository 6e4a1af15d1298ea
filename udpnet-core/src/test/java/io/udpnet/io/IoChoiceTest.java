package io.udpnet.io;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The choice of implementation where the native module is absent (udpnet-core alone on the class path). */
class IoChoiceTest {
    @Test
    void withoutTheNativeModuleTheDefaultIsNio() {
        assertSame(DatagramIo.nio(), DatagramIo.defaultIo());
        assertSame(DatagramIo.nio(), IoChoice.choose("auto"));
        assertSame(DatagramIo.nio(), IoChoice.choose("nio"));
    }

    @Test
    void askingForNativeWhereItCannotLoadFails() {
        assertThrows(IllegalStateException.class, () -> IoChoice.choose("native"));
        assertThrows(IllegalArgumentException.class, () -> IoChoice.choose("fast"));
    }
}
