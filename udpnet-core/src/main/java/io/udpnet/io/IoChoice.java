package io.udpnet.io;

import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Makes {@link DatagramIo#defaultIo()}'s choice once per JVM. */
final class IoChoice {
    private static final System.Logger LOG = System.getLogger("io.udpnet.io");
    private static volatile DatagramIo chosen;

    private IoChoice() {
    }

    /** The choice for this JVM, made on first use; a failed choice is not kept, so it fails again. */
    static DatagramIo get() {
        DatagramIo io = chosen;
        if (io == null) {
            synchronized (IoChoice.class) {
                if (chosen == null) {
                    chosen = choose(System.getProperty("udpnet.io", "auto"));
                }
                io = chosen;
            }
        }
        return io;
    }

    /** The implementation for a value of the {@code udpnet.io} property. */
    static DatagramIo choose(String wanted) {
        switch (wanted) {
            case "nio":
                LOG.log(Level.DEBUG, "udpnet I/O: nio (asked for)");
                return DatagramIo.nio();
            case "auto", "native":
                break;
            default:
                throw new IllegalArgumentException("udpnet.io must be auto, nio or native, not '" + wanted + "'");
        }
        Throwable why = null;
        try {
            Iterator<DatagramIo> it = ServiceLoader.load(DatagramIo.class, DatagramIo.class.getClassLoader())
                    .iterator();
            while (it.hasNext()) {
                DatagramIo io = it.next();
                if (io != DatagramIo.nio()) {
                    LOG.log(Level.DEBUG, "udpnet I/O: " + io.name());
                    return io;
                }
            }
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            // Not Linux, a JDK without the final FFM API, or native access denied: all mean "use NIO".
            why = e;
        }
        if (wanted.equals("native")) {
            throw new IllegalStateException("udpnet.io=native, but the native I/O could not load"
                    + (why == null ? ": module io.udpnet.nativeio is not present" : ": " + why), why);
        }
        LOG.log(Level.DEBUG, "udpnet I/O: nio (native I/O " + (why == null ? "not present" : "failed: " + why) + ")");
        return DatagramIo.nio();
    }
}
