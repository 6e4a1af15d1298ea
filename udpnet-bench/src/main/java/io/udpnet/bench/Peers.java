package io.udpnet.bench;

import io.udpnet.io.DatagramIo;

import java.util.List;

/** The peers {@code udpnet bench} knows, by name, and how each is opened. */
final class Peers {
    /** Every peer name, in the order of the help text. */
    static final List<String> NAMES = List.of("raw", "raw-native", "udpnet", "udpnet-nocc", "udpnet-native", "aeron",
            "enet", "kcp", "netty", "quic");

    /** The name of the native I/O implementation, when its module is on the class path. */
    static final String NATIVE_IO = "native-linux";

    private Peers() {
    }

    /** A peer that cannot run here, and why (a missing library, a missing JVM flag). */
    static final class Unavailable extends Exception {
        Unavailable(String reason) {
            super(reason);
        }
    }

    /**
     * Opens peer {@code name} with {@code settings}.
     *
     * @throws Unavailable when the peer cannot run on this machine or in this JVM
     */
    static ComparedPeer open(String name, PeerSettings settings) throws Exception {
        return switch (name) {
            case "raw" -> RawPeer.open(settings);
            case "raw-native" -> BatchedRawPeer.open(name, settings, nativeIo());
            case "udpnet" -> UdpnetPeer.open(settings, name, true, DatagramIo.nio());
            case "udpnet-nocc" -> UdpnetPeer.open(settings, name, false, DatagramIo.nio());
            case "udpnet-native" -> UdpnetPeer.open(settings, name, true, nativeIo());
            case "aeron" -> {
                if (!Object.class.getModule().isExported("jdk.internal.misc", Peers.class.getModule())) {
                    throw new Unavailable("Aeron needs the JVM flag --add-exports "
                            + "java.base/jdk.internal.misc=ALL-UNNAMED (bin/udpnet bench passes it)");
                }
                yield AeronPeer.open(settings);
            }
            case "netty" -> NettyPeer.open(settings);
            case "kcp" -> KcpLoader.open(settings);
            case "quic" -> QuicPeer.open(settings);
            case "enet" -> enet(settings);
            default -> throw new IllegalArgumentException("unknown peer '" + name + "'");
        };
    }

    /** The ENet peer. */
    private static ComparedPeer enet(PeerSettings settings) throws Exception {
        return (ComparedPeer) enetCall("EnetPeer", "open", new Class<?>[] {PeerSettings.class}, settings);
    }

    /**
     * Calls static method {@code method} of ENet's class {@code simpleName}, compiled only on JDK 22 or later (see
     * the module's pom): found by name so that this class builds without it.
     *
     * @throws Unavailable when the class was not built, or the call says so (libenet missing)
     */
    static Object enetCall(String simpleName, String method, Class<?>[] types, Object... args) throws Exception {
        Class<?> c;
        try {
            c = Class.forName("io.udpnet.bench." + simpleName);
        } catch (ClassNotFoundException e) {
            throw new Unavailable("not built: the ENet peer needs the FFM API, so a build on JDK 22 or later");
        }
        try {
            java.lang.reflect.Method m = c.getDeclaredMethod(method, types);
            m.setAccessible(true);
            return m.invoke(null, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new IllegalStateException("enet: " + e.getCause(), e.getCause());
        }
    }

    /** The native I/O implementation, or {@link Unavailable} when it is not on the class path or does not load. */
    static DatagramIo nativeIo() throws Unavailable {
        DatagramIo io;
        try {
            io = DatagramIo.defaultIo();
        } catch (IllegalStateException e) {
            throw new Unavailable("the native I/O does not load: " + e.getMessage());
        }
        if (!io.name().equals(NATIVE_IO)) {
            throw new Unavailable("the native I/O (" + NATIVE_IO + ", module udpnet-native) is not present here: "
                    + "the default I/O is " + io.name());
        }
        return io;
    }
}
