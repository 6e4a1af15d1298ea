/**
 * udpnet's native Linux I/O: an implementation of {@link io.udpnet.io.DatagramIo} on the FFM API, found by
 * {@link io.udpnet.io.DatagramIo#defaultIo()} through the service loader. Needs JDK 22+ and
 * {@code --enable-native-access=io.udpnet.nativeio}.
 */
module io.udpnet.nativeio {
    requires transitive io.udpnet;

    exports io.udpnet.nativeio;

    provides io.udpnet.io.DatagramIo with io.udpnet.nativeio.LinuxDatagramIo;
}
