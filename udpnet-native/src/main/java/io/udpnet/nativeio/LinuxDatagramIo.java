package io.udpnet.nativeio;

import io.udpnet.io.DatagramIo;
import io.udpnet.io.Poller;
import io.udpnet.io.SocketOptions;
import io.udpnet.io.UdpSocket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The native Linux {@link DatagramIo}, on the FFM API: sockets made with socket(2), batched recvmmsg/sendmmsg, UDP
 * GSO and GRO, ICMP errors from the error queue on every socket, kernel drop counts, epoll and eventfd.
 *
 * <p>Constructing it checks that it can run (Linux on x86_64 or aarch64, native access enabled for this module,
 * every system call present) and throws {@link NativeIoUnavailableException} otherwise, which makes
 * {@link DatagramIo#defaultIo()} fall back to NIO. Native access must be granted with
 * {@code --enable-native-access=io.udpnet.nativeio} (or {@code ALL-UNNAMED} on the class path): without it this
 * implementation declines rather than have the JDK print a warning.
 *
 * <p>System properties {@code udpnet.native.gso} and {@code udpnet.native.gro} ({@code true} by default) turn
 * segmentation offload off for sending or receiving.
 */
public final class LinuxDatagramIo implements DatagramIo {
    static final boolean GSO = !"false".equals(System.getProperty("udpnet.native.gso"));
    static final boolean GRO = !"false".equals(System.getProperty("udpnet.native.gro"));

    private final boolean ipv6;

    /**
     * Checks the platform and links the system calls.
     *
     * @throws NativeIoUnavailableException where this implementation cannot run
     */
    public LinuxDatagramIo() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            throw new NativeIoUnavailableException("native I/O needs Linux on x86_64 or aarch64, not " + os + "/"
                    + arch);
        }
        if (!LinuxDatagramIo.class.getModule().isNativeAccessEnabled()) {
            throw new NativeIoUnavailableException("native access is not enabled for "
                    + LinuxDatagramIo.class.getModule() + " (--enable-native-access)");
        }
        try {
            Syscalls.link();
        } catch (LinkageError | RuntimeException e) {
            throw new NativeIoUnavailableException("native I/O cannot link: " + e, e);
        }
        this.ipv6 = probeIpv6();
    }

    private static boolean probeIpv6() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = a.allocate(Syscalls.ERRNO_LAYOUT);
            int fd = Syscalls.socket(e, Linux.AF_INET6, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return false;
            }
            Syscalls.close(e, fd);
            return true;
        }
    }

    @Override
    public String name() {
        return "native-linux";
    }

    /** @return true when sockets are dual-stack AF_INET6, false when the system has no IPv6 */
    public boolean dualStack() {
        return ipv6;
    }

    @Override
    public UdpSocket open(SocketOptions options) throws IOException {
        return LinuxUdpSocket.open(options, ipv6);
    }

    @Override
    public Poller openPoller() throws IOException {
        return new EpollPoller();
    }

    @Override
    public boolean connectKeepsQueued() {
        return true;
    }

    @Override
    public boolean reportsErrorsUnconnected() {
        return true;
    }

    @Override
    public boolean countsKernelDrops() {
        return true;
    }

    @Override
    public boolean supportsReusePort() {
        return true;
    }

    @Override
    public String toString() {
        return name();
    }
}
