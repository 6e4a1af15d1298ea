package io.udpnet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs {@link KcpPeer} on its own copy of Netty 4.1. kcp-netty 1.5.0 is compiled against Netty 4.1, where
 * {@code AbstractNioChannel.eventLoop()} returns a {@code NioEventLoop}; Netty 4.2, which the other Netty peers need
 * (the QUIC codec exists only for 4.2), dropped that method, and kcp-netty fails on it with a
 * {@code NoSuchMethodError}. So this loader takes {@code io.netty.*}, {@code io.jpower.*}, {@code KcpPeer} itself and
 * the {@link ChannelSender} it extends from the jars the build copies to {@code target/kcp-lib} (see the module's
 * pom), child first, and everything else (the JDK, this package's interfaces) from its parent.
 */
final class KcpLoader extends URLClassLoader {
    private static final String PEER = "io.udpnet.bench.KcpPeer";
    /** Classes of this package compiled against Netty, which must link to the 4.1 copy too. */
    private static final List<String> OWN = List.of(PEER, "io.udpnet.bench.ChannelSender");
    private static KcpLoader instance;

    static {
        registerAsParallelCapable();
    }

    private KcpLoader(URL[] jars, ClassLoader parent) {
        super("kcp-netty", jars, parent);
    }

    /**
     * Opens the KCP peer through the shared loader.
     *
     * @throws Peers.Unavailable when the message size is beyond KCP's, or the jars are missing
     */
    static ComparedPeer open(PeerSettings settings) throws Exception {
        if (settings.size() > KcpPeer.MAX_MESSAGE) {
            throw new Peers.Unavailable("KCP's message mode takes at most " + KcpPeer.MAX_MESSAGE + " bytes per "
                    + "message (fragments numbered in one byte); " + settings.size() + " asked");
        }
        Class<?> c = Class.forName(PEER, true, loader());
        try {
            return (ComparedPeer) c.getMethod("open", PeerSettings.class).invoke(null, settings);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new IllegalStateException("kcp: " + e.getCause(), e.getCause());
        }
    }

    private static synchronized KcpLoader loader() throws Peers.Unavailable {
        if (instance == null) {
            Path dir = libDirectory();
            List<URL> jars = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                    jars.add(p.toUri().toURL());
                }
            } catch (IOException e) {
                throw new Peers.Unavailable("kcp-netty and its Netty 4.1 are not in " + dir + " (built by 'mvn -pl "
                        + "udpnet-bench -am package'): " + e);
            }
            if (jars.stream().noneMatch(u -> u.getPath().contains("kcp-netty"))) {
                throw new Peers.Unavailable("kcp-netty is not in " + dir);
            }
            instance = new KcpLoader(jars.toArray(URL[]::new), KcpLoader.class.getClassLoader());
        }
        return instance;
    }

    /** {@code kcp-lib} beside the jar or the classes directory this class came from (both are in target/). */
    private static Path libDirectory() throws Peers.Unavailable {
        try {
            Path here = Path.of(KcpLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return here.getParent().resolve("kcp-lib");
        } catch (URISyntaxException | RuntimeException e) {
            throw new Peers.Unavailable("cannot tell where the benchmark classes are: " + e);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        boolean own = OWN.stream().anyMatch(c -> name.equals(c) || name.startsWith(c + "$"));
        if (!own && !name.startsWith("io.netty.") && !name.startsWith("io.jpower.")) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = own ? defineOwn(name) : findClass(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    /**
     * Defines {@code KcpPeer} or {@code ChannelSender} (or a nested class) here from the parent's class file, so it
     * links to Netty 4.1.
     */
    private Class<?> defineOwn(String name) throws ClassNotFoundException {
        try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new ClassNotFoundException(name);
            }
            byte[] b = in.readAllBytes();
            return defineClass(name, b, 0, b.length, KcpLoader.class.getProtectionDomain());
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }
}
