package io.udpnet.nativeio;

import io.udpnet.io.DatagramBatch;
import io.udpnet.io.PathError;
import io.udpnet.io.SocketOptions;
import io.udpnet.io.UdpSocket;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Don't-fragment on a real link: a thread moves into a network namespace of its own, where a veth pair of MTU 1,400
 * is made; sockets opened there send a 1,472-byte datagram towards the link. Skipped where namespaces cannot be
 * made (no privilege, no {@code ip} or {@code nsenter}).
 */
class PathMtuNamespaceTest {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final InetSocketAddress FAR = new InetSocketAddress("10.213.0.2", 9);

    @Test
    void aDatagramAboveThePathMtuIsRefusedAndReportedWithTheMtu() throws Throwable {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            thread.submit(() -> {
                inOwnNamespace();
                return null;
            }).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } finally {
            thread.shutdownNow();
        }
    }

    @SuppressWarnings("restricted")
    private static void inOwnNamespace() throws Exception {
        Linker linker = Linker.nativeLinker();
        MethodHandle unshare = linker.downcallHandle(linker.defaultLookup().find("unshare").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        MethodHandle gettid = linker.downcallHandle(linker.defaultLookup().find("gettid").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT));
        int rc;
        int tid;
        try {
            rc = (int) unshare.invokeExact(CLONE_NEWNET);
            tid = (int) gettid.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        assumeTrue(rc == 0,
                "cannot make a network namespace here (unshare(CLONE_NEWNET) failed): path MTU test skipped");
        String ns = "/proc/" + ProcessHandle.current().pid() + "/task/" + tid + "/ns/net";
        Process p;
        try {
            p = new ProcessBuilder("nsenter", "--net=" + ns, "sh", "-c",
                    "ip link set lo up && ip link add v0 type veth peer name v1 && ip link set v0 mtu 1400"
                            + " && ip link set v1 mtu 1400 && ip addr add 10.213.0.1/24 dev v0"
                            + " && ip link set v0 up && ip link set v1 up")
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "no nsenter here: path MTU test skipped (" + e.getMessage() + ")");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor() == 0, "cannot set up a veth in the namespace: path MTU test skipped: " + out);

        List<PathError> errors = new ArrayList<>();
        try (UdpSocket df = LinuxDatagramIoTest.IO.open(SocketOptions.buffers(1 << 20))) {
            df.bind(new InetSocketAddress(InetAddress.getByName("10.213.0.1"), 0));
            DatagramBatch batch = new DatagramBatch(4, 2048);
            batch.add(FAR, NativeFeaturesTest.payload(1, 1000));
            batch.add(FAR, NativeFeaturesTest.payload(2, 1472));
            batch.add(FAR, NativeFeaturesTest.payload(3, 1372));
            assertEquals(3, df.send(batch, errors::add), "every datagram dealt with");
            // An unconnected socket has no path MTU to ask for; the MTU is reported where the kernel queued it.
            assertEquals(1, errors.size(), errors::toString);
            assertEquals(FAR, errors.get(0).peer());
            assertEquals(PathError.Kind.MESSAGE_TOO_BIG, errors.get(0).kind());
            assertTrue(errors.get(0).mtu() == 0 || errors.get(0).mtu() == 1400, errors::toString);

            errors.clear();
            df.connect(FAR, new DatagramBatch(1, 64));
            batch.clear();
            batch.add(FAR, NativeFeaturesTest.payload(4, 1472));
            assertEquals(1, df.send(batch, errors::add));
            assertEquals(List.of(new PathError(FAR, PathError.Kind.MESSAGE_TOO_BIG, 1400)), errors, "connected");
        }
        errors.clear();
        SocketOptions fragmenting = new SocketOptions(0, 0, false, false, false);
        try (UdpSocket plain = LinuxDatagramIoTest.IO.open(fragmenting)) {
            plain.bind(new InetSocketAddress(InetAddress.getByName("10.213.0.1"), 0));
            DatagramBatch batch = new DatagramBatch(1, 2048);
            batch.add(FAR, NativeFeaturesTest.payload(5, 1472));
            assertEquals(1, plain.send(batch, errors::add));
            assertEquals(List.of(), errors, "without don't-fragment the stack fragments and says nothing");
        }
    }
}
